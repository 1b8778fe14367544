"""A self-contained HTML report (inline SVG charts, no scripts, no network), readable in Korean."""

from __future__ import annotations

import html
from typing import Any

W, H = 560, 260
STAGES_KO = {
    "prospect": "잠재고객",
    "first_purchase": "첫 거래",
    "regular": "단골",
    "advocate": "옹호자",
    "partner": "동반자",
    "at_risk": "이탈 우려",
    "lapsed": "거래 중단",
}


def _svg_bars(
    labels: list[str], values: list[float], *, color: str = "#0b6e4f", horizontal: bool = False
) -> str:
    if not values:
        return "<p>자료 없음</p>"
    top = max(max(values), 1e-9)
    parts = [f'<svg viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg">']
    n = len(values)
    if horizontal:
        bar_h = (H - 10) / n
        for i, (label, v) in enumerate(zip(labels, values, strict=True)):
            w = (W - 170) * v / top
            y = 5 + i * bar_h
            parts.append(
                f'<text x="160" y="{y + bar_h * 0.65:.1f}" font-size="11" text-anchor="end">'
                f'{html.escape(label)}</text><rect x="165" y="{y:.1f}" width="{w:.1f}" '
                f'height="{bar_h * 0.8:.1f}" fill="{color}"/><text x="{170 + w:.1f}" y="{y + bar_h * 0.65:.1f}" '
                f'font-size="10">{v:,.0f}</text>'
            )
    else:
        bar_w = (W - 20) / n
        for i, (label, v) in enumerate(zip(labels, values, strict=True)):
            h = (H - 40) * v / top
            x = 10 + i * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{H - 25 - h:.1f}" width="{bar_w * 0.8:.1f}" height="{h:.1f}" '
                f'fill="{color}"/><text x="{x + bar_w * 0.4:.1f}" y="{H - 10}" font-size="9" '
                f'text-anchor="middle">{html.escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _svg_curve(curves: dict[str, list[list[float]]]) -> str:
    colors = ["#0b6e4f", "#b45309"]
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="40" y1="{H - 30}" x2="{W - 10}" y2="10" stroke="#ccc" stroke-dasharray="4"/>',
    ]
    for (name, curve), color in zip(curves.items(), colors, strict=False):
        pts = " ".join(f"{40 + (W - 50) * a:.1f},{H - 30 - (H - 40) * b:.1f}" for a, b in curve)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts.append(
            f'<text x="{W - 200}" y="{H - 60 + 16 * colors.index(color)}" fill="{color}" font-size="12">'
            f"{html.escape(name)}</text>"
        )
    parts.append(f'<text x="40" y="{H - 8}" font-size="11">고객 비율 →</text></svg>')
    return "".join(parts)


def _heatmap(rows: list[list[float | None]], row_labels: list[str]) -> str:
    cells = []
    for label, row in zip(row_labels, rows, strict=True):
        tds = "".join(
            "<td></td>"
            if v is None
            else f'<td style="background: rgba(11,110,79,{min(v * 1.6, 1):.2f}); color: {"#fff" if v > 0.4 else "#111"}">'
            f"{v * 100:.0f}%</td>"
            for v in row
        )
        cells.append(f"<tr><th>{html.escape(label)}</th>{tds}</tr>")
    head = "".join(f"<th>+{k}</th>" for k in range(len(rows[0]) if rows else 0))
    return f'<table class="heat"><tr><th>첫 구매 월</th>{head}</tr>{"".join(cells)}</table>'


def _rfm_grid(grid: dict[str, Any], names: dict[str, str]) -> str:
    if not grid:
        return "<p>자료 없음</p>"
    top = max((c for row in grid["counts"] for c in row), default=0) or 1
    rows = []
    for r, counts, segs in zip(grid["r"], grid["counts"], grid["segments"], strict=True):
        tds = "".join(
            f'<td style="background: rgba(180,83,9,{0.1 + 0.8 * c / top:.2f})">'
            f"{html.escape(names.get(seg, seg))}<br><b>{c:,}</b></td>"
            for c, seg in zip(counts, segs, strict=True)
        )
        rows.append(f"<tr><th>R{r}</th>{tds}</tr>")
    head = "".join(f"<th>FM{k}</th>" for k in grid["fm"])
    return f'<table class="heat"><tr><th></th>{head}</tr>{"".join(rows)}</table>'


def render_html(report: dict[str, Any]) -> str:
    seg_ko = report.get("segments_ko", {})
    segments = report.get("segments", {})
    pareto = report.get("pareto", {})
    bg = report.get("bgnbd", {})
    gg = report.get("gamma_gamma", {})
    clv = report.get("clv", {})
    hist = clv.get("histogram", {"edges": [], "counts": []})
    cohorts = report.get("cohorts", {"months": [], "retention": []})
    holdout = report.get("holdout")
    sections = [
        f"<h1>고객 가치 분석 보고서</h1><p>기준일 {html.escape(str(report.get('end')))} · 고객 {report.get('n_customers', 0):,}명 · "
        f"거래 {report.get('n_transactions', 0):,}건 · 엔진 {html.escape(str(report.get('engine')))}</p>",
        "<h2>2:8 법칙 (파레토)</h2>"
        f"<p>상위 20% 고객이 과거 매출의 <b>{(pareto.get('top20_revenue_share') or 0) * 100:.1f}%</b>, "
        f"예측 CLV의 <b>{(pareto.get('top20_clv_share') or 0) * 100:.1f}%</b>를 차지합니다.</p>"
        + _svg_curve({"과거 매출": pareto.get("curve_revenue", []), "예측 CLV": pareto.get("curve_clv", [])}),
        "<h2>RFM 세그먼트</h2>"
        + _svg_bars(
            [seg_ko.get(k, k) for k in segments], list(segments.values()), color="#b45309", horizontal=True
        ),
        "<h2>RFM 격자 (최근성 R × 빈도·금액 FM)</h2>" + _rfm_grid(report.get("rfm_grid", {}), seg_ko),
        "<h2>관계 단계</h2>"
        + _svg_bars(
            [STAGES_KO.get(k, k) for k in report.get("stages", {})],
            list(report.get("stages", {}).values()),
            color="#2563eb",
            horizontal=True,
        ),
        "<h2>가치 등급 (미래 가치 기준)</h2>"
        + _svg_bars(list(report.get("tiers", {})), list(report.get("tiers", {}).values())),
        "<h2>CLV 분포 (원)</h2>"
        + _svg_bars([f"{e:,.0f}" for e in hist["edges"][:-1]], hist["counts"], color="#7e22ce"),
        "<h2>코호트 재구매율 (첫 구매 월 기준)</h2>"
        + (
            f"<p>끝난 달만 셉니다({html.escape(str(cohorts['complete_through']))}까지): 진행 중인 달은 "
            "며칠치만 있어 고객이 떠난 것처럼 보이기 때문입니다.</p>"
            if cohorts.get("complete_through")
            else ""
        )
        + _heatmap(cohorts.get("retention", []), cohorts.get("months", [])),
        f"<h2>모형</h2><p>BG/NBD r={bg.get('r')}, α={bg.get('alpha')}, a={bg.get('a')}, b={bg.get('b')}, "
        f"LL={bg.get('log_likelihood')}, {html.escape(str(bg.get('message')))}<br>Gamma-Gamma p={gg.get('p')}, "
        f"q={gg.get('q')}, γ={gg.get('gamma')}</p>",
    ]
    if holdout:
        groups = holdout["groups"]
        sections.append(
            "<h2>검증 기간: 예측 vs 실제 (보정 기간 구매 횟수별 평균)</h2>"
            + _svg_bars(
                [f"{g['frequency']} 실제" for g in groups] + [f"{g['frequency']} 예측" for g in groups],
                [g["actual"] for g in groups] + [g["predicted"] for g in groups],
                color="#2563eb",
            )
            + f"<p>그룹별 평균 절대오차 {holdout['mean_abs_error_by_group']}, 전체 예측 {holdout['total_predicted']} vs "
            f"실제 {holdout['total_actual']} ({holdout['total_error_pct']}%)</p>"
        )
    style = (
        "body{font-family:'Pretendard','Apple SD Gothic Neo','Noto Sans CJK KR','Malgun Gothic',sans-serif;"
        "max-width:960px;margin:2rem auto;padding:0 1rem;color:#111}svg{width:100%;height:auto;background:#fafafa;"
        "border:1px solid #eee;border-radius:8px}.heat{border-collapse:collapse;font-size:11px}"
        ".heat td,.heat th{border:1px solid #eee;padding:2px 4px;text-align:center}"
    )
    return (
        f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>고객 가치 분석</title><style>{style}</style></head>'
        f"<body>{''.join(sections)}</body></html>"
    )
