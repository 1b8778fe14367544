from django.db import migrations

# Empathetic replies (seed 002 공감적 듣기): name the feeling first, then the context, then what happens next.
TEMPLATES = [
    (
        "complaint",
        "anger",
        "많이 화가 나셨을 것 같습니다. 불편을 드려 정말 죄송합니다. 말씀하신 {issue} 건은 제가 직접 확인해서 "
        "오늘 안에 처리 방법을 안내해 드리겠습니다.",
    ),
    (
        "complaint",
        "disappointment",
        "기대하셨던 만큼 해 드리지 못해 실망하셨을 것 같습니다. 정말 죄송합니다. {issue} 건을 "
        "바로 확인하고, 어떻게 바로잡을지 말씀드리겠습니다.",
    ),
    (
        "complaint",
        "anxiety",
        "걱정이 많으셨을 것 같습니다. 지금 상황을 먼저 확인해 드리고, 해결될 때까지 진행 상황을 계속 "
        "알려 드리겠습니다.",
    ),
    ("complaint", "", "불편을 드려 죄송합니다. 말씀하신 내용을 정확히 확인해서 빠르게 해결해 드리겠습니다."),
    (
        "inquiry",
        "anxiety",
        "궁금하시고 걱정도 되셨을 것 같습니다. 확인해 보니 {issue} 관련해서는 이렇게 진행됩니다.",
    ),
    ("inquiry", "", "문의해 주셔서 감사합니다. {issue} 관련해 안내해 드리겠습니다."),
    (
        "cancellation",
        "",
        "그동안 이용해 주셔서 감사합니다. 해지를 원하시는 이유를 여쭤봐도 될까요? 불편하셨던 점이 있다면 "
        "먼저 해결해 드리고 싶습니다.",
    ),
    ("renewal", "", "다시 찾아 주셔서 감사합니다. 이용하시던 혜택이 그대로 이어지도록 도와드리겠습니다."),
    ("purchase", "", "관심 가져 주셔서 감사합니다. 찾으시는 상품에 맞는 옵션을 안내해 드리겠습니다."),
    (
        "praise",
        "satisfaction",
        "좋은 말씀 정말 감사합니다! 해당 직원에게 꼭 전하겠습니다. 앞으로도 만족하실 수 있도록 "
        "노력하겠습니다.",
    ),
    ("", "", "연락 주셔서 감사합니다. 말씀하신 내용을 확인하고 안내해 드리겠습니다."),
]


def seed(apps, schema_editor):
    ReplyTemplate = apps.get_model("voc", "ReplyTemplate")
    for intent, emotion, text in TEMPLATES:
        ReplyTemplate.objects.get_or_create(intent=intent, emotion=emotion, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("voc", "0003_text_analysis")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
