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


def _fail(client: Client, username: str, ip: str):
    return client.post("/login/", {"username": username, "password": "wrong-guess"}, REMOTE_ADDR=ip)


def _login(client: Client, username: str, ip: str):
    return client.post("/login/", {"username": username, "password": f"pw-{username}-123"}, REMOTE_ADDR=ip)


def _refused(r) -> bool:
    return r.status_code in (403, 429) and "잠겼습니다" in r.content.decode()


def test_a_locked_user_is_refused_from_another_address_too(client: Client, shop):
    for n in range(5):
        _fail(client, "agent", f"10.1.0.{n}")  # spread over addresses: each one has only one failure
    assert _refused(_login(Client(), "agent", "10.2.0.1"))
    assert _login(Client(), "manager", "10.2.0.1").status_code == 302, "other users are not locked"


def test_one_address_trying_many_user_names_is_locked(client: Client, shop):
    for username in ("agent", "manager", "viewer", "analyst", "no-such-user"):
        _fail(client, username, "10.3.0.1")
    assert _refused(_login(Client(), "clerk", "10.3.0.1"))
    assert _login(Client(), "agent", "10.3.0.2").status_code == 302, (
        "one failure each does not lock the users"
    )


def test_a_valid_login_from_the_spraying_address_does_not_reset_its_count(client: Client, shop):
    for username in ("agent", "manager", "viewer", "analyst"):
        _fail(client, username, "10.4.0.1")
    assert _login(Client(), "clerk", "10.4.0.1").status_code == 302
    _fail(client, "admin", "10.4.0.1")
    assert _refused(_fail(client, "admin", "10.4.0.1"))
    assert _refused(_login(Client(), "clerk", "10.4.0.1"))


def test_an_admin_unlocks_a_locked_user_in_the_admin(client: Client, shop):
    from axes.models import AccessAttempt

    from conftest import login

    for n in range(5):
        _fail(client, "agent", f"10.5.0.{n}")
    assert _refused(_login(Client(), "agent", "10.5.1.1"))
    admin = login(Client(), shop["admin"])
    assert "agent" in admin.get("/admin/axes/accessattempt/").content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="agent").values_list("pk", flat=True)]
    r = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert r.status_code == 302 and not AccessAttempt.objects.filter(username="agent").exists()
    assert _login(Client(), "agent", "10.5.1.1").status_code == 302
    viewer = login(Client(), shop["viewer"])
    assert viewer.get("/admin/axes/accessattempt/").status_code in (302, 403)
