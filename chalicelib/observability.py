"""Structured JSON logs (aws-lambda-powertools Logger). Never log secrets or message bodies."""

from __future__ import annotations

from aws_lambda_powertools.logging import Logger

logger = Logger(service="desk")
