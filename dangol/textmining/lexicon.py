"""Transparent rules: difficult-customer cues (DOMAIN §4, 000 §3) and strong emotion words.

Each cue is a regular expression with the kind it signals; the phrase that matched is returned so staff can
see *why* a message was flagged. Patterns tolerate the spacing mistakes customers make (``가만 안 두`` /
``가만안둬``) and the common disguises of swear words (``ㅅㅂ``, ``시1발``).
"""

from __future__ import annotations

import re
from typing import Any

S = r"\s*"  # optional space between the parts of a phrase

CUE_TYPES = {
    "profanity": "상스러운",
    "insult": "상스러운",
    "threat_legal": "위협하는",
    "threat_online": "위협하는",
    "threat_violence": "위협하는",
    "excessive_demand": "과도한 요구",
}

_CUES: list[tuple[str, str]] = [
    # 상스러운: swearing and insults
    (
        "profanity",
        r"씨\s*[1!]?\s*발|시\s*[1!]?\s*발(?!음|전|표|견|단|령|아|점|동|작)|씨\s*바|ㅆ\s*ㅂ|ㅅ\s*ㅂ|시바(?:ㄹ|\s|$)|썅|"
        r"좆|존나|졸라|ㅈ\s*ㄴ|개새[끼기]?|개\s*새끼|새끼|ㅅㄲ|지랄|ㅈㄹ|병신|븅신|ㅂ\s*ㅅ|빙신|엿\s*먹|"
        r"니미|느금|꺼져|닥쳐|미친\s*(?:놈|년|새끼|거|것|회사|인간)|미친|또라이|fuck|shit",
    ),
    (
        "insult",
        r"쓰레기\s*(?:같은|회사|새끼|들)|개념\s*없|머리가\s*(?:있|없)|멍청|등신|무식|거지\s*같|돌대가리|"
        r"인간\s*쓰레기|양아치|사기꾼|도둑놈|도둑\s*(?:놈|회사)|이딴|이따위",
    ),
    # 위협하는: legal action, going public, violence
    (
        "threat_legal",
        rf"고소|소송|고발|법적{S}(?:조치|대응|책임|절차)|법대로|변호사|소비자{S}(?:원|보호원|단체)|"
        rf"공정{S}위|금감원|금융감독원|방통위|(?:경찰|소비자원|공정위|구청|시청|식약처|보건소)에?{S}(?:신고|고발|민원)|"
        rf"민원{S}(?:넣|제기|접수할)|국민{S}신문고|내용{S}증명|녹취.{{0,8}}(?:증거|법)",
    ),
    (
        "threat_online",
        rf"(?:인터넷|커뮤니티|맘{S}카페|카페|블로그|유튜브|sns|인스타|트위터|네이버|게시판|언론|방송|뉴스|"
        rf"온라인)\S{{0,3}}\s?(?:\S+\s?){{0,5}}?(?:올리|올릴|올려|올립|퍼뜨|퍼트|제보|폭로|박제|도배|남기겠|남길|알리겠|알릴)|"
        rf"(?:후기|리뷰)를?\s*(?:제대로|낱낱이|다|전부|똑바로)\s*(?:올리|올릴|올려|남길|남기겠|써)|"
        rf"기자(?:한테|에게)?{S}제보|리뷰{S}테러|별점{S}테러|악플|공론화|박제",
    ),
    (
        "threat_violence",
        rf"죽여|죽이|죽을\s*줄|패\s*버|때려|때릴|칼\s*(?:들|가지)|불\s*(?:질러|지른|지를)|"
        rf"가만{S}(?:안|않|못){S}(?:있|두|둬|둘|놔)|찾아{S}(?:가서|갈|가겠|간다)|"
        rf"집\s*앞(?:에|으로)\s*찾아|밤길\s*조심|부숴|뒤엎",
    ),
    # 과도한 요구
    (
        "excessive_demand",
        rf"정신적{S}(?:피해|손해|충격){S}(?:보상|배상)?|위자료|\d+\s*배\s*(?:로)?\s*(?:보상|배상|환불)|"
        rf"(?:사장|대표|회장|본사\s*사장|책임자|높은\s*사람){S}(?:나와|나오라|데려|바꿔|불러|연결해|오라)|"
        rf"무릎{S}꿇|평생{S}(?:무료|공짜)|전\s*직원{S}(?:사과|징계)|"
        rf"(?:해고|잘라|자르|징계){S}(?:하세요|해|시켜|하라|해라|안\s*하면)|"
        rf"집(?:으로|까지){S}(?:와서|찾아와|와)\s*(?:사과|무릎)|"
        rf"보상금?\s*\d+\s*(?:만|천)\s*원|(?:\d+|백|천)\s*만\s*원\s*(?:보상|배상|내놔|달라|줘|요구|물어)|"
        rf"공짜로\s*(?:다\s*)?(?:줘|내놔|달라)|전액\s*환불에?\s*(?:추가|더|위자료|보상)",
    ),
]
NOT_ONLINE_THREAT = re.compile(r"요금|가격|료|금액|속도|가격|사진|주소|정보\s*(?:좀|를)")
CUES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _CUES]


def find_cues(text: str) -> list[dict[str, Any]]:
    """Difficult-customer cues: ``{"type": 상스러운|위협하는|과도한 요구, "kind": …, "phrase": …}``."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for kind, pattern in CUES:
        for m in pattern.finditer(text):
            phrase = m.group().strip()
            if not phrase or (kind, phrase) in seen:
                continue
            if kind == "threat_online" and NOT_ONLINE_THREAT.search(phrase):
                continue
            seen.add((kind, phrase))
            found.append({"type": CUE_TYPES[kind], "kind": kind, "phrase": phrase, "start": m.start()})
    found.sort(key=lambda c: c["start"])
    for cue in found:
        del cue["start"]
    return found


# Strong emotion words: added as features (LEX_…) and used for intensity.
_EMOTION_WORDS: dict[str, str] = {
    "anger": r"화[가나]|화난|열받|열\s*받|빡치|빡쳐|짜증|어이\s*(?:가\s*)?없|어이상실|황당|기가\s*막|장난(?:하|치|해|합)|"
    r"분통|열불|말이\s*(?:됩|되냐|돼)|뭐하는|뭐\s*하자는|미치겠|미쳤|ㅡㅡ|-_-|따지|항의|"
    r"(?:몇|수십)\s*번(?:을|이나|째)|도대체|대체\s*왜|참다\s*참다|책임\s*(?:지|져)|최악|거짓말|사기",
    "disappointment": r"실망|아쉽|아쉬|서운|섭섭|속상|허탈|씁쓸|별로|기대(?:했|가\s*컸|와\s*달|이하|에\s*못)|예전\s*같지|"
    r"예전만\s*못|그저\s*그|에휴|하아|아깝|후회",
    "anxiety": r"걱정|불안|급해|급합|급하|어떡|어떻게\s*하죠|어쩌죠|큰일|조마조마|초조|무서|두려|혹시\s*(?:나|라도)|"
    r"제발|괜찮(?:을까|은\s*건지|은가요)|애가\s*타|당장\s*필요|빨리\s*(?:좀\s*)?(?:알려|답|확인|처리)|겁나",
    "satisfaction": r"감사|고맙|고마워|최고|만족|좋아요|좋았|좋네|좋습|마음에\s*들|맘에\s*들|감동|친절|추천|대박|짱|굿|"
    r"행복|기뻐|기쁘|든든|편해요|편하네|훌륭|완벽|👍|❤|♥|😊|😍|\^\^|ㅎㅎ|thank|good|great|best",
}
EMOTION_WORDS = {emotion: re.compile(pattern, re.IGNORECASE) for emotion, pattern in _EMOTION_WORDS.items()}

INTENSIFIERS = re.compile(
    r"너무|진짜|정말|완전|엄청|매우|무척|아주|진심|개(?=[가-힣])|존나|졸라|레알|ㄹㅇ|핵|극혐|도저히"
)
EXCLAIM = re.compile(r"[!?]{2,}|!")
CRYING = re.compile(r"[ㅠㅜ]{2,}|ㅠ|ㅜ|😭|😢")
LAUGHING = re.compile(r"ㅋ{2,}|ㅎ{2,}")


def emotion_hits(text: str) -> dict[str, int]:
    return {emotion: len(pattern.findall(text)) for emotion, pattern in EMOTION_WORDS.items()}


def intensity_signals(text: str) -> dict[str, int]:
    return {
        "intensifiers": len(INTENSIFIERS.findall(text)),
        "exclaim": sum(len(m) for m in re.findall(r"[!?]{2,}", text)) + text.count("!"),
        "crying": len(CRYING.findall(text)),
        "laughing": len(LAUGHING.findall(text)),
    }


LexiconReading = tuple[dict[str, int], dict[str, int]]


def read(text: str) -> LexiconReading:
    """(`emotion_hits`, `intensity_signals`) of one text: the classifier's lexicon features and the intensity
    rule read the same figures, so a batch reads them once per message."""
    return emotion_hits(text), intensity_signals(text)
