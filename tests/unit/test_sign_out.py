"""Signing out in the gateway process, whichever comes first: the catalog's announcement or the gateway."""
import time
from unittest import mock

import pytest

from shared.auth import Identity, issue_token, revoke_here, verify_token
from shared.errors import Unauthorized

SECRET = "a-secret-long-enough-for-hmac-sha256-keys!"


def test_a_token_already_revoked_by_the_announcement_is_revoked_again_without_an_error():
    token = issue_token(Identity("reviewer-chippkro", "reviewer", None), SECRET, 60)
    revoke_here(token, SECRET)  # the token_revoked event got here first
    revoke_here(token, SECRET)  # then the sign-out request itself
    with pytest.raises(Unauthorized):
        verify_token(token, SECRET)


def test_another_token_of_the_same_person_stays_valid():
    identity = Identity("methodist-kyshtym", "methodist", "kyshtym")
    signed_out, other = issue_token(identity, SECRET, 60), issue_token(identity, SECRET, 60)
    revoke_here(signed_out, SECRET)
    assert verify_token(other, SECRET) == identity


def test_tokens_issued_before_the_accounts_access_changed_are_refused_and_newer_ones_kept():
    from shared.revocation import ACCOUNTS

    identity = Identity("school-disabled-once", "school", "kyshtym")
    old = issue_token(identity, SECRET, 60, generation=0)
    ACCOUNTS.update(identity.username, 1, disabled=True)
    with pytest.raises(Unauthorized) as refused:
        verify_token(old, SECRET)
    assert "отключена" in refused.value.message
    ACCOUNTS.update(identity.username, 0, disabled=False)  # an older announcement arriving late
    with pytest.raises(Unauthorized):
        verify_token(old, SECRET)
    assert verify_token(issue_token(identity, SECRET, 60, generation=1), SECRET) == identity
    assert not ACCOUNTS.disabled(identity.username)


def test_a_token_whose_signature_was_checked_before_is_still_refused_once_it_expires_or_is_revoked():
    identity = Identity("methodist-snezhinsk", "methodist", "snezhinsk")
    token = issue_token(identity, SECRET, 60)
    assert verify_token(token, SECRET) == identity  # its signature is now checked once and remembered
    with mock.patch("shared.auth.time.time", return_value=time.time() + 61), pytest.raises(Unauthorized):
        verify_token(token, SECRET)
    revoke_here(token, SECRET)
    with pytest.raises(Unauthorized):
        verify_token(token, SECRET)
    with pytest.raises(Unauthorized):
        verify_token(token, "another-secret-long-enough-for-hmac-sha256-keys")
