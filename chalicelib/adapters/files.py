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

    def find_bytes(self, key: str) -> bytes | None:
        """The object's bytes, or None if there is no such object (any more)."""
        try:
            return self.get_bytes(key)
        except self.client.exceptions.NoSuchKey:
            return None

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def copy(self, key: str, new_key: str) -> None:
        self.client.copy_object(Bucket=self.bucket, Key=new_key, CopySource={"Bucket": self.bucket, "Key": key})

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (a ticket's files are laid out by ticket id)."""
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            found += [item["Key"] for item in page.get("Contents", [])]
        return found

    def delete(self, keys: list[str]) -> int:
        """Delete objects, 1,000 a request; a key that is already gone counts as deleted."""
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 1000):
            batch = unique[start:start + 1000]
            answer = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
            )
            if answer.get("Errors"):
                error = answer["Errors"][0]
                raise RuntimeError(f"S3 refused to delete {error.get('Key')}: {error.get('Code')}")
        return len(unique)

    def scrub(self, key: str, text: str, replacement: str, tag: tuple[str, str] | None = None) -> bool:
        """Replace ``text`` (any case) in an object, e.g. an erased person's address in the
        headers of someone else's mail; False if it is not there. An object that carried a tag
        gets ``tag`` again (a new object's tags start empty)."""
        import re
        from urllib.parse import quote

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return False
        data = found["Body"].read()
        scrubbed = re.sub(re.escape(text.encode()), replacement.encode(), data, flags=re.IGNORECASE)
        if scrubbed == data:
            return False
        extra = {"Tagging": f"{quote(tag[0])}={quote(tag[1])}"} if tag and found.get("TagCount") else {}
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=scrubbed,
            ContentType=found.get("ContentType", "application/octet-stream"), **extra,
        )
        return True

    def tag_for_expiry(self, key: str, tag: tuple[str, str]) -> bool:
        """Tag an object for the bucket's expiry rule, copying it onto itself so that S3
        counts its age from now (lifecycle rules count from an object's creation). False if
        there is no such object."""
        from urllib.parse import quote

        head = self._head(key)
        if head is None:
            return False
        self.client.copy_object(
            Bucket=self.bucket, Key=key, CopySource={"Bucket": self.bucket, "Key": key},
            MetadataDirective="REPLACE", ContentType=head.get("ContentType", "application/octet-stream"),
            Metadata={**head.get("Metadata", {}), tag[0]: tag[1]},
            TaggingDirective="REPLACE", Tagging=f"{quote(tag[0])}={quote(tag[1])}",
        )
        return True

    def untag(self, key: str) -> bool:
        """Take the expiry tag off an object again (its ticket was reopened)."""
        if self._head(key) is None:
            return False
        self.client.delete_object_tagging(Bucket=self.bucket, Key=key)
        return True

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

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


    def view_url(self, key: str) -> str:
        """A link that shows the object in the browser (a picture in a page), for an hour."""
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.DOWNLOAD_SECONDS)


def _disposition(filename: str) -> str:
    """An attachment header that survives any name: an ASCII fallback and the UTF-8 name
    (RFC 6266 / 5987)."""
    from urllib.parse import quote

    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
