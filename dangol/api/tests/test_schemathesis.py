"""Fuzz every operation of /api/openapi.json in-process: no input may cause a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from dangol.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request must not close the connection holding the test transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(shop):
    from dangol.accounts.services import api_token_create

    scopes = [
        "customers:read",
        "customers:write",
        "interactions:read",
        "interactions:write",
        "orders:write",
        "personal_data",
        "voc:read",
        "voc:write",
        "surveys:read",
        "surveys:write",
    ]
    return api_token_create(user=shop["manager"], name="fuzz", scopes=scopes)[1]


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=[not_a_server_error])
