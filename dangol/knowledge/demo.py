"""Demo FAQ articles (Korean): delivery, returns, points, membership and privacy. Idempotent by slug."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from dangol.knowledge.models import Article, Category
from dangol.knowledge.services import article_save

# (slug, category, title, body HTML)
ARTICLES: list[tuple[str, str, str, str]] = [
    (
        "delivery-time",
        Category.DELIVERY,
        "배송은 얼마나 걸리나요?",
        "<p>평일 오후 2시 이전 주문은 <strong>당일 출고</strong>되어 보통 1~2일 안에 도착합니다.</p>"
        "<p>제주·도서산간 지역은 배송에 2~3일이 더 걸릴 수 있습니다.</p>",
    ),
    (
        "delivery-tracking",
        Category.DELIVERY,
        "배송 조회는 어디서 하나요?",
        "<p>출고되면 알림톡으로 운송장 번호를 보내 드립니다.</p>"
        "<ol><li>알림톡의 <strong>배송 조회</strong> 버튼을 누르세요.</li>"
        "<li>또는 주문 내역에서 운송장 번호를 확인해 택배사 누리집에서 조회하세요.</li></ol>",
    ),
    (
        "delivery-delay",
        Category.DELIVERY,
        "배송이 늦어지고 있어요",
        "<p>택배사 사정이나 명절 물량으로 배송이 지연될 수 있습니다. 출고 후 3일이 지나도 "
        "배송 조회가 되지 않으면 고객센터로 문의해 주세요. 지연 보상 기준에 따라 포인트를 드립니다.</p>",
    ),
    (
        "delivery-address-change",
        Category.DELIVERY,
        "배송지를 바꾸고 싶어요",
        "<p>출고 전이라면 주문 내역에서 배송지를 직접 바꿀 수 있습니다. 이미 출고되었다면 "
        "택배사에 주소 변경을 요청해 주세요.</p>",
    ),
    (
        "returns-how",
        Category.RETURNS,
        "반품은 어떻게 신청하나요?",
        "<p>상품을 받은 날부터 <strong>7일 이내</strong>에 반품을 신청할 수 있습니다.</p>"
        "<ol><li>주문 내역에서 반품 신청을 누르세요.</li><li>사유를 고르고 사진을 올려 주세요.</li>"
        "<li>기사님이 2~3일 안에 회수합니다.</li></ol>",
    ),
    (
        "returns-exchange",
        Category.RETURNS,
        "교환은 어떻게 하나요?",
        "<p>사이즈나 색상 교환은 상품 수령 후 7일 이내에 신청해 주세요. 단순 변심 교환은 왕복 배송비가 "
        "부과되며, 불량이나 오배송은 무료로 교환해 드립니다.</p>",
    ),
    (
        "returns-refund-time",
        Category.RETURNS,
        "환불은 언제 되나요?",
        "<p>반품 상품이 물류센터에 도착해 검수가 끝나면 환불이 진행됩니다.</p>"
        "<ul><li>카드 결제: 카드사에 따라 3~7영업일</li><li>계좌이체: 1~2영업일</li>"
        "<li>포인트 사용분은 즉시 복구</li></ul>",
    ),
    (
        "returns-defect",
        Category.RETURNS,
        "불량 상품을 받았어요",
        "<p>불량이나 파손 상품은 사진과 함께 문의해 주시면 무료로 교환 또는 환불해 드립니다. "
        "회수 배송비는 저희가 부담합니다.</p>",
    ),
    (
        "points-earn",
        Category.POINTS,
        "포인트는 어떻게 적립되나요?",
        "<p>구매 금액의 1~3%가 회원 등급에 따라 적립금으로 쌓입니다. 반품 기간(14일)이 지나면 "
        "적립이 확정되어 사용할 수 있습니다.</p>",
    ),
    (
        "points-use",
        Category.POINTS,
        "포인트는 어떻게 사용하나요?",
        "<p>1,000포인트부터 결제할 때 현금처럼 쓸 수 있습니다. 한 주문에서 결제 금액의 50%까지 "
        "포인트로 결제할 수 있습니다.</p>",
    ),
    (
        "points-expiry",
        Category.POINTS,
        "포인트 유효기간과 소멸",
        "<p>적립된 포인트는 <strong>24개월</strong> 동안 쓸 수 있고, 기간이 지나면 소멸됩니다. "
        "소멸 30일 전에 알림톡으로 미리 알려 드립니다.</p>",
    ),
    (
        "membership-tiers",
        Category.MEMBERSHIP,
        "멤버십 등급과 혜택",
        "<p>최근 12개월 구매 금액으로 회원 등급이 정해집니다.</p>"
        "<table><thead><tr><th>등급</th><th>혜택</th></tr></thead>"
        "<tbody><tr><td>실버</td><td>1% 적립</td></tr><tr><td>골드</td><td>2% 적립, 무료 배송</td></tr>"
        "<tr><td>VIP</td><td>3% 적립, 무료 배송, 생일 쿠폰</td></tr></tbody></table>",
    ),
    (
        "membership-referral",
        Category.MEMBERSHIP,
        "친구 추천 혜택",
        "<p>내 추천 링크로 가입한 친구가 첫 구매를 하면 나에게 3,000포인트, 친구에게 2,000포인트를 "
        "드립니다. 추천 보상은 한 달에 5건까지입니다.</p>",
    ),
    (
        "privacy-my-data",
        Category.PRIVACY,
        "내 개인정보를 열람하거나 삭제하고 싶어요",
        "<p>개인정보 보호법에 따라 내 개인정보의 열람, 정정, 삭제, 처리정지를 요청할 수 있습니다. "
        "요청은 10일 안에 처리하고 결과를 알려 드립니다.</p>",
    ),
    (
        "privacy-marketing-consent",
        Category.PRIVACY,
        "광고성 알림 수신을 끄고 싶어요",
        "<p>마케팅 수신 동의는 선택 사항이며 언제든 철회할 수 있습니다. 철회하면 즉시 광고성 메시지 "
        "발송이 중단되고, 주문·배송 안내는 계속 받으실 수 있습니다.</p>",
    ),
    (
        "account-withdraw",
        Category.ACCOUNT,
        "회원 탈퇴는 어떻게 하나요?",
        "<p>고객센터로 탈퇴를 요청해 주세요. 탈퇴하면 남은 포인트와 쿠폰은 모두 소멸되며, 법에 따라 "
        "보관해야 하는 거래 기록을 제외한 개인정보는 파기됩니다.</p>",
    ),
]


@transaction.atomic
def demo_articles_ensure(*, by: User | None = None) -> int:
    """Create the demo articles that are missing (published); returns how many were created."""
    created = 0
    for slug, category, title, body in ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        article_save(
            by=by, title=title, body=body, category=category, slug=slug, status=Article.Status.PUBLISHED
        )
        created += 1
    return created


def generate_articles(context: Any) -> dict[str, int]:
    """The demo data command's extension (dangol.demo.generate.DEMO_EXTENSIONS)."""
    author = next(
        (u for u in context.staff if getattr(getattr(u, "staff", None), "role", "") == "manager"), None
    )
    return {"FAQ 문서": demo_articles_ensure(by=author)}
