"""moto's server on loopback, with its state saved to and reloaded from the data folder."""

from __future__ import annotations

import io
import logging
import os
import pickle
import threading
from typing import Any

SERVICES = ("dynamodb", "s3", "ses", "sesv2", "cognito-idp")
_JWK_ID = "moto-cognito-signing-key"


class _StatePickler(pickle.Pickler):
    # The user pools hold moto's (static, published) signing key as a live crypto object that
    # cannot be pickled; it is stored by reference and loaded again from moto's resources.
    def persistent_id(self, obj: Any) -> str | None:
        from joserfc.jwk import RSAKey

        return _JWK_ID if isinstance(obj, RSAKey) else None


class _StateUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid != _JWK_ID:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        from joserfc.jwk import RSAKey
        from moto.utilities.utils import load_resource

        return RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


class AwsEmulator:
    """DynamoDB, S3, SES and Cognito as moto serves them, on ``host:port``."""

    def __init__(self, host: str, port: int, state_path: str | None) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        self._server: Any = None
        self._save_lock = threading.Lock()
        self.restored = False

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.state_path and os.path.exists(self.state_path):
            self._restore()
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.host, self.port = self._server.get_host_and_port()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self.save()

    def save(self) -> None:
        """Write every emulated service's state to the data folder, atomically."""
        if not self.state_path:
            return
        from moto.backends import get_backend

        with self._save_lock:
            for _ in range(5):
                try:
                    state = [
                        (name, account, region, backend)
                        for name in SERVICES
                        for account, regions in dict.items(get_backend(name))  # type: ignore[arg-type]
                        for region, backend in dict.items(regions)
                    ]
                    buffer = io.BytesIO()
                    _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
                    break
                except RuntimeError:  # a request changed a dict mid-copy: take it again
                    continue
            else:
                logging.getLogger("desk.local").warning("could not snapshot the emulator state")
                return
            tmp = f"{self.state_path}.tmp"
            with open(tmp, "wb") as f:
                f.write(buffer.getvalue())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.state_path)

    def _restore(self) -> None:
        from moto.backends import get_backend

        assert self.state_path is not None
        with open(self.state_path, "rb") as f:
            state = _StateUnpickler(f).load()
        for name, account, region, backend in state:
            get_backend(name)[account][region] = backend  # type: ignore[index]
        self.restored = True
