"""Agents' credentials in a Cognito user pool (the emulated one locally)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.errors import AuthenticationError, ConflictError, UnprocessableError
from ..domain.people import Role
from .aws_client import LazyClient


class CognitoDirectory(LazyClient):
    """Signs agents in and manages their accounts; roles are the pool's groups."""

    def __init__(self, client_factory: Callable[[], Any], user_pool_id: str, client_id: str) -> None:
        super().__init__(client_factory)
        self.user_pool_id = user_pool_id
        self.client_id = client_id

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        """Exchange an e-mail address and password for the pool's tokens."""
        return self._initiate("USER_PASSWORD_AUTH", {"USERNAME": email, "PASSWORD": password})

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return self._initiate("REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token})

    def _initiate(self, flow: str, parameters: dict[str, str]) -> dict[str, Any]:
        errors = self.client.exceptions
        try:
            response = self.client.initiate_auth(
                ClientId=self.client_id, AuthFlow=flow, AuthParameters=parameters
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            # One answer for a wrong password and an unknown address: no account probing.
            raise AuthenticationError(
                "The e-mail address or password is not right.", code="invalid_credentials"
            ) from None
        except errors.PasswordResetRequiredException:
            raise AuthenticationError(
                "This account must reset its password first.", code="password_reset_required"
            ) from None
        if "AuthenticationResult" not in response:
            raise AuthenticationError(
                "This account must finish setting up its password first.",
                code="challenge_required",
                details={"challenge": response.get("ChallengeName")},
            )
        return response["AuthenticationResult"]

    def create_user(self, *, email: str, name: str, password: str, role: Role) -> str:
        """Create an agent's account with a permanent password; returns its id (``sub``)."""
        errors = self.client.exceptions
        try:
            created = self.client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                MessageAction="SUPPRESS",
            )
        except errors.UsernameExistsException:
            raise ConflictError(
                "An agent with this e-mail address already exists.", code="agent_exists"
            ) from None
        except errors.InvalidParameterException as error:
            raise UnprocessableError(
                "The user pool refuses this agent's details.",
                code="invalid_agent",
                details={"reason": error.response["Error"].get("Message", "")},
            ) from None
        try:
            self.client.admin_set_user_password(
                UserPoolId=self.user_pool_id, Username=email, Password=password, Permanent=True
            )
        except (errors.InvalidPasswordException, errors.InvalidParameterException) as error:
            self.client.admin_delete_user(UserPoolId=self.user_pool_id, Username=email)
            raise UnprocessableError(
                "The password does not meet the pool's policy.",
                code="weak_password",
                details={"reason": error.response["Error"].get("Message", "")},
            ) from None
        self.client.admin_add_user_to_group(
            UserPoolId=self.user_pool_id, Username=email, GroupName=role.value
        )
        attrs = {a["Name"]: a["Value"] for a in created["User"]["Attributes"]}
        return attrs["sub"]

    # ---------------------------------------------------------------- an admin's changes
    # The pool's username is the agent's address (create_user). Each call is safe to repeat.

    def set_role(self, email: str, role: Role) -> None:
        """Move the account to ``role``'s group (added first: never in no group at all)."""
        self.client.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=email, GroupName=role.value)
        for other in Role:
            if other != role:
                self.client.admin_remove_user_from_group(
                    UserPoolId=self.user_pool_id, Username=email, GroupName=other.value
                )

    def disable(self, email: str) -> None:
        """No more sign-ins, and its refresh tokens are revoked (ID tokens already issued are
        refused by the desk's own check of the agent's status)."""
        self.client.admin_disable_user(UserPoolId=self.user_pool_id, Username=email)
        self.client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=email)

    def enable(self, email: str) -> None:
        self.client.admin_enable_user(UserPoolId=self.user_pool_id, Username=email)

    def delete(self, email: str) -> None:
        try:
            self.client.admin_delete_user(UserPoolId=self.user_pool_id, Username=email)
        except self.client.exceptions.UserNotFoundException:
            pass  # deleted already (a retry)
