"""Definitions of the AWS resources the desk needs, shared by the deploy template and the
local stack so that what runs on a laptop is what runs in AWS.

The table's definition lives with its PynamoDB models (``chalicelib.adapters.dynamodb``);
this module re-exports it next to the user pool's.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.models import TTL_ATTRIBUTE, table_schema

__all__ = ["table_schema", "TABLE_TTL", "USER_POOL", "USER_POOL_CLIENT", "AGENT_GROUPS"]

# Connections, subscriptions and message dedupe records expire by themselves.
TABLE_TTL = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}

# Agents sign in with their e-mail address; the app verifies ID tokens.
USER_POOL: dict[str, Any] = {
    "UsernameAttributes": ["email"],
    "AutoVerifiedAttributes": ["email"],
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 10,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": False,
        }
    },
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "Schema": [{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
}

USER_POOL_CLIENT: dict[str, Any] = {
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "GenerateSecret": False,
    "PreventUserExistenceErrors": "ENABLED",
    "IdTokenValidity": 60,
    "AccessTokenValidity": 60,
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"},
}

# A role is a group of the pool; the ID token lists it in ``cognito:groups``.
AGENT_GROUPS = {
    "admin": "Admins: manage agents and settings, and do everything agents do.",
    "agent": "Agents: answer customers.",
}
