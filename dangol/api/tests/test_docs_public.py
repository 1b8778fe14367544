"""/api/docs and /api/openapi.json are public on purpose (README: API): an integrator reads them before
having an account. They describe shapes, never data, and every operation they list needs a token."""

from __future__ import annotations


def test_docs_and_schema_are_public_but_every_operation_requires_a_token(client, db):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 10
    unauthenticated = [
        f"{method.upper()} {path}" for path, method, op in operations if not op.get("security")
    ]
    assert unauthenticated == []
    for path, method, _ in operations:
        concrete = path.replace("{", "").replace("}", "")
        response = getattr(client, method)(f"/api{concrete}" if not concrete.startswith("/api") else concrete)
        assert response.status_code in (401, 404, 405), (method, path, response.status_code)
