"""Seeded, realistic Korean customer and order data for the foundation benchmarks.

Everything here is plain Python + numpy (no Django), so the CSV files can be generated before
any database exists. Same seed and size => byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from tqdm import tqdm

# Surnames with their share of the population (통계청 2015, rounded) and a romanisation for e-mails.
SURNAMES = [
    ("김", "kim", 21.5),
    ("이", "lee", 14.7),
    ("박", "park", 8.4),
    ("최", "choi", 4.7),
    ("정", "jung", 4.3),
    ("강", "kang", 2.3),
    ("조", "cho", 2.1),
    ("윤", "yoon", 2.1),
    ("장", "jang", 2.0),
    ("임", "lim", 1.7),
    ("한", "han", 1.5),
    ("오", "oh", 1.5),
    ("서", "seo", 1.5),
    ("신", "shin", 1.5),
    ("권", "kwon", 1.4),
    ("황", "hwang", 1.4),
    ("안", "ahn", 1.3),
    ("송", "song", 1.3),
    ("류", "ryu", 1.2),
    ("전", "jeon", 1.1),
    ("홍", "hong", 1.1),
    ("고", "ko", 0.9),
    ("문", "moon", 0.9),
    ("양", "yang", 0.9),
    ("손", "son", 0.9),
    ("배", "bae", 0.8),
    ("백", "baek", 0.8),
    ("허", "heo", 0.6),
    ("유", "yoo", 0.6),
    ("남", "nam", 0.6),
]
GIVEN = [
    ("민준", "minjun"),
    ("서준", "seojun"),
    ("도윤", "doyun"),
    ("예준", "yejun"),
    ("시우", "siwoo"),
    ("하준", "hajun"),
    ("주원", "juwon"),
    ("지호", "jiho"),
    ("지후", "jihu"),
    ("준우", "junwoo"),
    ("현우", "hyunwoo"),
    ("준서", "junseo"),
    ("도현", "dohyun"),
    ("건우", "gunwoo"),
    ("우진", "woojin"),
    ("선우", "sunwoo"),
    ("서진", "seojin"),
    ("민재", "minjae"),
    ("현준", "hyunjun"),
    ("연우", "yeonwoo"),
    ("유준", "yujun"),
    ("정우", "jungwoo"),
    ("승우", "seungwoo"),
    ("승현", "seunghyun"),
    ("시윤", "siyun"),
    ("준혁", "junhyuk"),
    ("은우", "eunwoo"),
    ("지환", "jihwan"),
    ("승민", "seungmin"),
    ("지우", "jiwoo"),
    ("서연", "seoyeon"),
    ("서윤", "seoyun"),
    ("지우", "jiwoo"),
    ("서현", "seohyun"),
    ("민서", "minseo"),
    ("하은", "haeun"),
    ("하윤", "hayun"),
    ("윤서", "yunseo"),
    ("지유", "jiyu"),
    ("지민", "jimin"),
    ("채원", "chaewon"),
    ("수아", "sua"),
    ("지아", "jia"),
    ("지윤", "jiyun"),
    ("은서", "eunseo"),
    ("다은", "daeun"),
    ("예은", "yeeun"),
    ("수빈", "subin"),
    ("소율", "soyul"),
    ("예린", "yerin"),
    ("영희", "younghee"),
    ("철수", "chulsoo"),
    ("미경", "mikyung"),
    ("정희", "junghee"),
    ("영수", "youngsoo"),
    ("상훈", "sanghoon"),
    ("성민", "sungmin"),
    ("은정", "eunjung"),
    ("미영", "miyoung"),
    ("동현", "donghyun"),
    ("혜진", "hyejin"),
    ("경민", "kyungmin"),
    ("지영", "jiyoung"),
    ("성호", "sungho"),
    ("현정", "hyunjung"),
]
DOMAINS = [
    ("naver.com", 40),
    ("gmail.com", 30),
    ("daum.net", 12),
    ("kakao.com", 8),
    ("hanmail.net", 7),
    ("nate.com", 3),
]
TAGS = [
    "VIP",
    "온라인",
    "단골",
    "신규",
    "불만이력",
    "기업고객",
    "임직원",
    "멤버십골드",
    "멤버십실버",
    "휴면예정",
]
CITIES = [
    "서울특별시 강남구 테헤란로",
    "서울특별시 마포구 양화로",
    "경기도 성남시 분당구 판교역로",
    "부산광역시 해운대구 우동",
    "대구광역시 중구 동성로",
    "인천광역시 연수구 송도동",
    "광주광역시 서구 상무대로",
    "대전광역시 유성구 대학로",
]
GENDER_CELLS = ["F", "M", "여", "남", "여성", "남성", ""]
GENDER_P = [0.30, 0.27, 0.15, 0.13, 0.05, 0.05, 0.05]

# The import's touchpoint codes; the import benchmark creates these before importing orders.
STORE_CODES = [
    "store-gangnam",
    "store-hongdae",
    "store-jamsil",
    "store-pangyo",
    "store-seomyeon",
    "store-dongseongro",
    "store-chungjang",
    "store-dunsan",
    "web",
    "app",
    "call-center",
]

EPOCH_START = int(dt.datetime(2019, 1, 1, tzinfo=dt.UTC).timestamp())
EPOCH_END = int(dt.datetime(2026, 10, 31, tzinfo=dt.UTC).timestamp())


def _p(weights: list[float]) -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    return arr / arr.sum()


class People:
    """Vectorised draws of names, phones and e-mails for n people."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.n = n
        self.surname = rng.choice(len(SURNAMES), size=n, p=_p([s[2] for s in SURNAMES]))
        self.given = rng.integers(0, len(GIVEN), size=n)
        self.phone8 = rng.integers(0, 10**8, size=n)
        self.has_phone = rng.random(n) > 0.04
        self.has_email = rng.random(n) > 0.10
        self.email_no = rng.integers(0, 10_000, size=n)
        self.email_style = rng.integers(0, 3, size=n)
        self.domain = rng.choice(len(DOMAINS), size=n, p=_p([d[1] for d in DOMAINS]))
        self.joined = rng.integers(EPOCH_START, EPOCH_END - 86400 * 30, size=n)
        self.birth = rng.integers(
            int(dt.date(1945, 1, 1).toordinal()), int(dt.date(2007, 1, 1).toordinal()), size=n
        )
        # Per-row access goes through plain lists: indexing numpy arrays one element at a time is slow.
        self._surname, self._given = self.surname.tolist(), self.given.tolist()
        self._phone8, self._has_phone = self.phone8.tolist(), self.has_phone.tolist()
        self._has_email, self._email_no = self.has_email.tolist(), self.email_no.tolist()
        self._email_style, self._domain = self.email_style.tolist(), self.domain.tolist()

    def birth_text(self, i: int) -> str:
        return dt.date.fromordinal(int(self.birth[i])).isoformat()

    def name(self, i: int) -> str:
        return SURNAMES[self._surname[i]][0] + GIVEN[self._given[i]][0]

    def phone(self, i: int) -> str:
        """Canonical 010-1234-5678 (what the app stores), or ''."""
        if not self._has_phone[i]:
            return ""
        digits = f"{self._phone8[i]:08d}"
        return f"010-{digits[:4]}-{digits[4:]}"

    def email(self, i: int) -> str:
        if not self._has_email[i]:
            return ""
        sur, given = SURNAMES[self._surname[i]][1], GIVEN[self._given[i]][1]
        no = self._email_no[i]
        local = (f"{given}.{sur}{no}", f"{sur}{given}{no % 100:02d}{no // 100}", f"{given[0]}{sur}{no}")[
            self._email_style[i]
        ]
        return f"{local}@{DOMAINS[self._domain[i]][0]}"


def utc_text(epoch: np.ndarray) -> list[str]:
    """Seconds since the epoch as Django's SQLite datetime text (naive UTC, 'YYYY-MM-DD HH:MM:SS')."""
    return [
        s.replace("T", " ") for s in np.datetime_as_string(epoch.astype("datetime64[s]"), unit="s").tolist()
    ]


def seoul_text(epoch: np.ndarray) -> list[str]:
    """Local (Asia/Seoul, UTC+9, no DST) wall-clock text, as a Korean export would show it."""
    return utc_text(epoch + 9 * 3600)


CUSTOMER_HEADER = [
    "external_id",
    "name",
    "phone",
    "email",
    "birth_date",
    "gender",
    "joined_at",
    "tags",
    "consent_terms",
    "consent_privacy",
    "marketing_sms",
]
ORDER_HEADER = [
    "order_id",
    "customer_id",
    "ordered_at",
    "store",
    "sku",
    "product_name",
    "category",
    "quantity",
    "unit_price",
    "amount",
]


def customer_external_id(i: int) -> str:
    return f"C{i + 1:08d}"


def write_customers_csv(path: Path, n: int, *, seed: int) -> None:
    """n customer rows with the import's English column names; formats vary as real exports do."""
    rng = np.random.default_rng(seed)
    people = People(rng, n)
    phone_style = rng.choice(3, size=n, p=[0.6, 0.3, 0.1]).tolist()
    birth_known = (rng.random(n) > 0.25).tolist()
    birth_dotted = (rng.random(n) < 0.2).tolist()
    gender = rng.choice(len(GENDER_CELLS), size=n, p=GENDER_P).tolist()
    tag_count = rng.choice(4, size=n, p=[0.65, 0.22, 0.10, 0.03]).tolist()
    tag_pick = rng.integers(0, len(TAGS), size=(n, 3)).tolist()
    sms = (rng.random(n) < 0.45).tolist()
    joined = seoul_text(people.joined)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CUSTOMER_HEADER)
        for i in tqdm(
            range(n), desc="customers.csv", unit="row", unit_scale=True, mininterval=1, leave=False
        ):
            phone = people.phone(i)
            if phone and phone_style[i] == 1:
                phone = phone.replace("-", "")
            elif phone and phone_style[i] == 2:
                phone = phone.replace("-", " ")
            birth = ""
            if birth_known[i]:
                birth = people.birth_text(i)
                if birth_dotted[i]:
                    birth = birth.replace("-", ".")
            tags = ";".join(sorted({TAGS[t] for t in tag_pick[i][: tag_count[i]]}))
            writer.writerow(
                [
                    customer_external_id(i),
                    people.name(i),
                    phone,
                    people.email(i),
                    birth,
                    GENDER_CELLS[gender[i]],
                    joined[i],
                    tags,
                    "Y",
                    "Y",
                    "Y" if sms[i] else "N",
                ]
            )
    tmp.replace(path)


def catalogue_products() -> list[tuple[str, str, str, int]]:
    """(sku, name, category, price) from the demo catalogue, the same products the demo uses."""
    from dangol.demo import catalogue

    out = []
    n = 0
    for category, items in catalogue.CATEGORIES.items():
        for name, price in items:
            n += 1
            out.append((f"SKU{n:05d}", name, category, price))
    return out


def write_orders_csv(path: Path, n_lines: int, n_customers: int, *, seed: int) -> int:
    """About n_lines order lines (exactly n_lines) over n_customers; returns the number of orders."""
    rng = np.random.default_rng(seed + 1)
    products = catalogue_products()
    # Lines per order: 1 (60%), 2 (25%), 3 (10%), 4 (5%) -> mean 1.6
    sizes: list[int] = []
    total = 0
    draws = rng.choice([1, 2, 3, 4], size=n_lines, p=[0.6, 0.25, 0.10, 0.05])
    for s in draws:
        s = int(min(s, n_lines - total))
        sizes.append(s)
        total += s
        if total >= n_lines:
            break
    n_orders = len(sizes)
    weights = rng.gamma(0.7, size=n_customers)
    customer = rng.choice(n_customers, size=n_orders, p=weights / weights.sum()).tolist()
    ordered = np.sort(rng.integers(EPOCH_START, EPOCH_END, size=n_orders))
    ordered_text = seoul_text(ordered)
    store = rng.choice(len(STORE_CODES) + 1, size=n_orders).tolist()  # last index = no store column value
    product = (rng.zipf(1.4, size=n_lines) % len(products)).tolist()
    quantity = rng.choice([1, 1, 1, 1, 2, 2, 3, 5], size=n_lines).tolist()
    commas = (rng.random(n_lines) < 0.1).tolist()
    tmp = path.with_suffix(".tmp")
    line = 0
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(ORDER_HEADER)
        for o in tqdm(
            range(n_orders), desc="orders.csv", unit="order", unit_scale=True, mininterval=1, leave=False
        ):
            order_id = f"O{o + 1:09d}"
            cust = customer_external_id(customer[o])
            store_code = STORE_CODES[store[o]] if store[o] < len(STORE_CODES) else ""
            for _ in range(sizes[o]):
                sku, name, category, price = products[product[line]]
                qty = quantity[line]
                amount = qty * price
                amount_cell = f"{amount:,}" if commas[line] else str(amount)
                writer.writerow(
                    [
                        order_id,
                        cust,
                        ordered_text[o],
                        store_code,
                        sku,
                        name,
                        category,
                        qty,
                        price,
                        amount_cell,
                    ]
                )
                line += 1
    tmp.replace(path)
    return n_orders


def chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)
