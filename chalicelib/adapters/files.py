"""Attachments in S3: browsers upload straight to the bucket with pre-signed POSTs whose
policy fixes the key, the content type and the size range; downloads are pre-signed GETs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .aws_client import LazyClient


class S3Files(LazyClient):
    UPLOAD_SECONDS = 600
    DOWNLOAD_SECONDS = 3600

    def __init__(self, client_factory: Callable[[], Any], bucket: str) -> None:
        super().__init__(client_factory)
        self.bucket = bucket

    def presign_upload(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        return self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=self.UPLOAD_SECONDS,
        )

    def describe(self, key: str) -> tuple[int, str] | None:
        """(size, content type) of an uploaded object, or None if there is none."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"]), head.get("ContentType", "")

    def get_bytes(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def copy(self, key: str, new_key: str) -> None:
        self.client.copy_object(Bucket=self.bucket, Key=new_key, CopySource={"Bucket": self.bucket, "Key": key})

    def download_url(self, key: str, filename: str) -> str:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": _disposition(filename),
            },
            ExpiresIn=self.DOWNLOAD_SECONDS,
        )


def _disposition(filename: str) -> str:
    """An attachment header that survives any name: an ASCII fallback and the UTF-8 name
    (RFC 6266 / 5987)."""
    from urllib.parse import quote

    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
