"""Imports with the mistakes real Korean exports contain."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from openpyxl import Workbook

from dangol.customers.models import Consent, Customer
from dangol.imports import customers as customer_rows
from dangol.imports import orders as order_rows
from dangol.imports.services import run_import
from dangol.orders.models import Order, OrderLine, Product

GOOD = """external_id,name,phone,email,birth_date,gender,joined_at,home_store,tags,consent_terms,consent_privacy,marketing_sms
K001,김민지,010-1111-2222,minji@example.com,1990-03-05,여,2024-01-10 10:00,store-gangnam,VIP;리뷰어,Y,Y,Y
K002,이준호,01033334444,,1985.12.01,M,2024-02-01,,,Y,Y,N
K003,박서연,+82 10 5555 6666,seoyeon@example.com,,F,2024/03/15 09:30,강남점,육아,Y,Y,N
"""

MESSY = """external_id,name,phone,email,birth_date,gender,joined_at
M001,정상고객,010-1234-0001,ok@example.com,1990-01-01,F,2024-01-01

M002,전화오류,010-12-34,bad@example.com,1990-01-01,F,2024-01-01
M003,날짜오류,010-1234-0003,x@example.com,1990-13-45,M,2024-01-01
M001,중복아이디,010-1234-0004,dup@example.com,,M,2024-01-01
M005,,010-1234-0005,,,,2024-01-01
M006,이메일오류,010-1234-0006,not-an-email,,,2024-01-01
M007,가입일오류,010-1234-0007,,,,어제
M008,정상고객2,02-123-4567,ok2@example.com,,M,2024-02-02

"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_good_file_creates_customers_with_consents_and_tags(shop, tmp_path):
    result = run_import(kind="customers", path=write(tmp_path, "good.csv", GOOD))
    assert result.written and (result.created, result.updated, result.unchanged) == (3, 0, 0)
    minji = Customer.objects.get(external_id="K001")
    assert minji.phone == "010-1111-2222" and minji.gender == "F" and minji.home_store == shop["store"]
    assert sorted(t.name for t in minji.tags.all()) == ["VIP", "리뷰어"]
    assert minji.consent_stage == "marketing_partial"
    assert Customer.objects.get(external_id="K003").phone == "010-5555-6666"
    assert Consent.objects.filter(
        customer__external_id="K002", purpose="marketing_sms", granted=False
    ).exists()


def test_reimporting_the_same_file_changes_nothing(shop, tmp_path):
    path = write(tmp_path, "good.csv", GOOD)
    run_import(kind="customers", path=path)
    before = list(Customer.objects.order_by("pk").values())
    again = run_import(kind="customers", path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Customer.objects.order_by("pk").values()) == before


def test_changed_row_updates_in_place(shop, tmp_path):
    run_import(kind="customers", path=write(tmp_path, "a.csv", GOOD))
    changed = run_import(kind="customers", path=write(tmp_path, "b.csv", GOOD.replace("김민지", "김민지2")))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert Customer.objects.get(external_id="K001").name == "김민지2"


def test_messy_file_is_rejected_whole_by_default_with_line_numbers(shop, tmp_path):
    before = Customer.objects.count()
    result = run_import(kind="customers", path=write(tmp_path, "messy.csv", MESSY))
    assert not result.written and Customer.objects.count() == before
    by_line = {(e.line, e.column) for e in result.errors}
    assert by_line == {
        (4, "phone"),
        (5, "birth_date"),
        (6, "external_id"),
        (7, "name"),
        (8, "email"),
        (9, "joined_at"),
    }
    messages = {e.line: e.message for e in result.errors}
    assert "2행" in messages[6]  # the duplicate points at its first line
    assert "전화번호" in messages[4] or "휴대전화" in messages[4]
    assert result.total_rows == 8  # blank lines are not rows


def test_skip_mode_imports_good_rows_and_reports_bad_ones(shop, tmp_path):
    result = run_import(kind="customers", path=write(tmp_path, "messy.csv", MESSY), on_error="skip")
    assert result.written and result.created == 2 and result.error_rows == 6
    assert set(
        Customer.objects.filter(external_id__startswith="M").values_list("external_id", flat=True)
    ) == {"M001", "M008"}


def test_cp949_file_is_read(shop, tmp_path):
    result = run_import(kind="customers", path=write(tmp_path, "cp949.csv", GOOD, encoding="cp949"))
    assert result.written and Customer.objects.get(external_id="K002").name == "이준호"


def test_xlsx_file_is_read(shop, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["고객번호", "이름", "전화번호", "가입일"])
    ws.append(["X1", "엑셀고객", "010-7777-8888", "2024-05-01"])
    ws.append([None, None, None, None])
    ws.append(["X2", "엑셀고객2", 1077778889, "2024-05-02"])
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    result = run_import(kind="customers", path=path)
    assert result.written and result.created == 2, result.errors
    assert Customer.objects.get(external_id="X2").phone == "010-7777-8889"


def test_wrong_header_or_file_type_gets_a_clear_message(shop, tmp_path):
    result = run_import(kind="customers", path=write(tmp_path, "x.csv", "foo,bar\n1,2\n"))
    assert not result.written and "external_id" in result.message
    result = run_import(kind="customers", path=write(tmp_path, "x.pdf", "%PDF"))
    assert not result.written and "CSV" in result.message
    result = run_import(kind="customers", path=write(tmp_path, "empty.csv", ""))
    assert not result.written and "비어" in result.message


def test_an_interrupted_import_writes_nothing(shop, tmp_path, monkeypatch):
    """The row path (a CP949 file) fails on its second batch of customers."""
    rows = "external_id,name\n" + "".join(f"Z{i:05d},고객{i}\n" for i in range(5000))
    original = customer_rows.write_customers
    calls = {"n": 0}

    def fail_on_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(customer_rows, "write_customers", fail_on_second_batch)
    with pytest.raises(DatabaseError):
        run_import(kind="customers", path=write(tmp_path, "big.csv", rows, encoding="cp949"))
    assert calls["n"] == 2
    assert not Customer.objects.filter(external_id__startswith="Z").exists()


def test_an_interrupted_column_import_writes_nothing(shop, tmp_path, monkeypatch):
    """The column path fails after customers and tags are in, while writing consents; then orders fail
    after the orders are in, while writing their lines. Nothing of either stays, and no temporary table."""
    rows = "external_id,name,tags,consent_terms\n" + "".join(f"Z{i:05d},고객{i},VIP,Y\n" for i in range(5000))
    path = write(tmp_path, "big.csv", rows)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    tags_before = Customer.tags.through.objects.count()
    monkeypatch.setattr(customer_rows, "_write_consent_columns", fail)
    with pytest.raises(DatabaseError):
        run_import(kind="customers", path=path)
    assert not Customer.objects.filter(external_id__startswith="Z").exists()
    assert Customer.tags.through.objects.count() == tags_before
    monkeypatch.undo()
    assert run_import(kind="customers", path=path).created == 5000  # the temporary table is gone
    orders = "order_id,customer_id,ordered_at,amount,sku\n" + "".join(
        f"Q{i},Z{i:05d},2024-06-01 12:00,1000,P9\n" for i in range(3000)
    )
    monkeypatch.setattr(order_rows, "_product_ids", fail)
    with pytest.raises(DatabaseError):
        run_import(kind="orders", path=write(tmp_path, "orders.csv", orders))
    assert not Order.objects.filter(external_id__startswith="Q").exists()
    monkeypatch.undo()
    assert run_import(kind="orders", path=write(tmp_path, "orders.csv", orders)).created == 3000
    assert OrderLine.objects.filter(order__external_id__startswith="Q").count() == 3000


ORDERS = """order_id,customer_id,ordered_at,store,sku,product_name,category,quantity,unit_price,amount,refunded_amount
A-1,K001,2024-06-01 12:00,store-gangnam,P1,제주 감귤 3kg,신선식품,2,18900,37800,
A-1,K001,2024-06-01 12:00,store-gangnam,P2,햇반 210g×12,가공식품,1,14900,14900,
A-2,K002,2024-06-02 09:00,web,P1,제주 감귤 3kg,신선식품,1,18900,18900,18900
A-3,K003,2024-06-03,,,상품권,,1,,"50,000",
"""


def test_orders_import_groups_lines_and_is_idempotent(shop, tmp_path):
    run_import(kind="customers", path=write(tmp_path, "c.csv", GOOD))
    path = write(tmp_path, "orders.csv", ORDERS)
    result = run_import(kind="orders", path=path)
    assert result.written and result.created == 3, result.errors
    a1 = Order.objects.get(external_id="A-1")
    assert a1.total_amount == 52700 and a1.lines.count() == 2 and a1.touchpoint == shop["store"]
    assert Order.objects.get(external_id="A-2").status == "refunded"
    assert Order.objects.get(external_id="A-3").total_amount == 50000
    assert Product.objects.get(sku="P1").category.name == "신선식품"
    lines = OrderLine.objects.count()
    again = run_import(kind="orders", path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert OrderLine.objects.count() == lines


def test_bad_order_rows_name_the_problem(shop, tmp_path):
    run_import(kind="customers", path=write(tmp_path, "c.csv", GOOD))
    bad = (
        ORDERS
        + "B-1,NOPE,2024-06-01,,,x,,1,100,100,\nB-2,K001,2024-06-01,,,x,,1,100,-100,\nB-3,K001,2024-99-01,,,x,,1,,100,\n"
    )
    result = run_import(kind="orders", path=write(tmp_path, "o.csv", bad))
    assert not result.written and Order.objects.count() == 0
    assert {(e.line, e.column) for e in result.errors} == {
        (6, "customer_id"),
        (7, "amount"),
        (8, "ordered_at"),
    }
    skip = run_import(kind="orders", path=write(tmp_path, "o.csv", bad), on_error="skip")
    assert skip.created == 3 and Order.objects.count() == 3


def test_import_command_prints_a_report_and_exits_2_on_rejection(shop, tmp_path, capsys):
    good = write(tmp_path, "good.csv", GOOD)
    call_command("import", "customers", str(good), "--no-progress")
    assert "새로 추가 3" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        call_command("import", "customers", str(write(tmp_path, "messy.csv", MESSY)), "--no-progress")
    assert info.value.code == 2
    out = capsys.readouterr().out
    assert "4행 [phone]" in out and "가져오지 않았습니다" in out


def test_upload_page_reports_per_row(as_manager, shop, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("messy.csv", MESSY.encode("cp949"), content_type="text/csv")
    response = as_manager.post(
        "/imports/", {"kind": "customers", "on_error": "skip", "file": upload}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="created-count">2<' in body and 'id="error-count">6<' in body
    assert "이메일 형식이 올바르지 않습니다" in body


def test_agent_cannot_open_the_upload_page(as_agent, shop):
    assert as_agent.get("/imports/").status_code == 403


def test_large_upload_runs_as_a_background_job_with_status(transactional_db, as_manager, shop, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command as run

    from dangol.imports.models import ImportJob

    settings.DANGOL_IMPORT_INLINE_ROWS = 0  # every upload goes to the job worker
    upload = SimpleUploadedFile("good.csv", GOOD.encode(), content_type="text/csv")
    response = as_manager.post("/imports/", {"kind": "customers", "on_error": "abort", "file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/" and job.status == "queued"
    status = as_manager.get(f"/imports/{job.pk}/status/")
    assert 'role="progressbar"' in status.content.decode()
    run("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 3
    assert as_manager.get(f"/imports/{job.pk}/status/")["HX-Refresh"] == "true"
