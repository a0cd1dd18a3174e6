"""WebAuthn ceremonies through ``py_webauthn`` (duo-labs), for one relying party.

Attestation is not requested ("none"): Clearance trusts a key because a logged-in user with a
second factor registered it, not because of its make. Library errors become ``ValidationFailed``
(a 422 the client can act on) so nothing above this module sees ``webauthn`` exceptions.
"""

from __future__ import annotations

from typing import Any

import webauthn
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from clearance.domain.errors import FieldProblem, ValidationFailed
from clearance.services.ports import VerifiedKey


def _refused(exc: Exception) -> ValidationFailed:
    return ValidationFailed(
        "The security key's answer could not be verified.",
        (FieldProblem("credential", str(exc)[:200] or "Verification failed.", "webauthn"),),
    )


class PyWebAuthn:
    def __init__(self, *, rp_id: str, rp_name: str, origins: list[str]) -> None:
        self.rp_id, self.rp_name, self.origins = rp_id, rp_name, origins

    def registration_options(
        self, *, user_id: bytes, user_name: str, display_name: str, challenge: bytes,
        exclude: list[bytes],
    ) -> str:  # fmt: skip
        options = webauthn.generate_registration_options(
            rp_id=self.rp_id, rp_name=self.rp_name, user_id=user_id, user_name=user_name,
            user_display_name=display_name, challenge=challenge,
            exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in exclude],
        )  # fmt: skip
        return webauthn.options_to_json(options)

    def verify_registration(self, credential: dict[str, Any], challenge: bytes) -> VerifiedKey:
        try:
            v = webauthn.verify_registration_response(
                credential=credential, expected_challenge=challenge, expected_rp_id=self.rp_id,
                expected_origin=self.origins,
            )  # fmt: skip
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise _refused(exc) from exc
        return VerifiedKey(v.credential_id, v.credential_public_key, v.sign_count)

    def authentication_options(self, *, challenge: bytes, allow: list[bytes]) -> str:
        options = webauthn.generate_authentication_options(
            rp_id=self.rp_id, challenge=challenge,
            allow_credentials=[PublicKeyCredentialDescriptor(id=c) for c in allow],
        )  # fmt: skip
        return webauthn.options_to_json(options)

    def verify_authentication(
        self, credential: dict[str, Any], challenge: bytes, public_key: bytes, sign_count: int
    ) -> int:
        try:
            v = webauthn.verify_authentication_response(
                credential=credential, expected_challenge=challenge, expected_rp_id=self.rp_id,
                expected_origin=self.origins, credential_public_key=public_key,
                credential_current_sign_count=sign_count,
            )  # fmt: skip
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise _refused(exc) from exc
        return int(v.new_sign_count)

    @staticmethod
    def credential_id_of(credential: dict[str, Any]) -> bytes | None:
        raw = credential.get("rawId") or credential.get("id")
        if not isinstance(raw, str):
            return None
        try:
            return base64url_to_bytes(raw)
        except ValueError:
            return None
