from django.test import Client


def test_login_locks_after_repeated_failures(client: Client, shop):
    for _ in range(5):
        r = client.post("/login/", {"username": "agent", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code in (403, 429)
    # Even the right password is refused while locked out.
    r = client.post("/login/", {"username": "agent", "password": "pw-agent-123"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code in (403, 429)
    assert "잠겼습니다" in r.content.decode()


def test_login_with_the_right_password_reaches_home(client: Client, shop):
    r = client.post("/login/", {"username": "agent", "password": "pw-agent-123"}, REMOTE_ADDR="10.0.0.8")
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_roles_are_groups_with_the_expected_permissions(shop):
    assert shop["manager"].has_perm("customers.view_personal_data")
    assert not shop["agent"].has_perm("customers.view_personal_data")
    assert shop["agent"].has_perm("customers.add_note")
    assert not shop["viewer"].has_perm("customers.add_note")
    assert shop["admin"].has_perm("privacy.view_accesslog")
    assert not shop["analyst"].has_perm("interactions.add_interaction")
