"""The free-text sections 一/五/六, varied year to year, quoting figures that agree with the tables."""

from __future__ import annotations

import random

_WORK = [
    "坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开",
    "围绕{who}中心工作和群众关切，及时发布政策文件、工作动态和通知公告",
    "进一步健全政府信息公开工作机制，明确分管领导和专职工作人员",
    "严格落实信息发布保密审查制度，确保公开内容准确、规范",
    "加强政府网站信息公开专栏建设，及时更新栏目内容",
    "利用微信公众号、公示栏等渠道扩大公开覆盖面",
    "围绕乡村振兴、社会救助、就业创业等民生领域加大公开力度",
    "做好重要政策的解读工作，以图文解读等方式回应社会关切",
    "规范依申请公开办理流程，做到登记、审核、答复全程留痕",
    "组织工作人员参加政务公开业务培训，提升业务能力",
    "推进基层政务公开标准化规范化，完善公开事项目录",
    "及时清理和更新过时信息，保证公开信息的时效性",
    "做好财政预决算、“三公”经费等重点领域信息公开",
    "畅通群众咨询渠道，及时答复群众提出的问题",
]
_PROBLEMS = [
    "信息公开的及时性有待提高，部分栏目更新不够及时",
    "政策解读形式较为单一，图解、视频等解读方式运用不多",
    "工作人员多为兼职，业务水平有待进一步提升",
    "公开内容不够全面，群众关注度高的信息公开深度不够",
    "新媒体公开渠道建设相对滞后",
    "依申请公开答复的规范性还需加强",
    "基层政务公开标准化建设推进不平衡",
    "主动公开目录编制不够细化",
]
_FIXES = [
    "加强业务培训，提升工作人员的业务能力",
    "健全信息发布审核机制，确保信息及时准确发布",
    "丰富政策解读形式，提高解读质量",
    "加大重点领域信息公开力度，回应群众关切",
    "完善政务新媒体管理，拓展公开渠道",
    "规范依申请公开办理流程，提高答复质量",
    "定期开展栏目自查，及时更新公开内容",
]
_OTHER = [
    "本年度未收取信息处理费。",
    "本年度无其他需要报告的事项。",
    "本机关本年度未发生政府信息公开信息处理费收取情况。",
    "无",
]


def _pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    return rng.sample(pool, min(k, len(pool)))


def _figures(rep: dict, published: int) -> str:
    apps = rep["applications"]
    new = apps["new"]["total"] or 0
    parts = [f"全年通过政府网站等渠道主动公开政府信息{published}条"]
    if new:
        parts.append(f"全年共收到政府信息公开申请{new}件，办结{apps['total']['total'] or 0}件，"
                     f"结转下年度继续办理{apps['carried_over']['total'] or 0}件")
    else:
        parts.append("全年未收到政府信息公开申请")
    recon = rep["appeals"]["reconsideration"]["total"] or 0
    lit = (rep["appeals"]["litigation_direct"]["total"] or 0) + (rep["appeals"]["litigation_after"]["total"] or 0)
    if recon or lit:
        parts.append(f"发生因政府信息公开引起的行政复议{recon}起、行政诉讼{lit}起")
    else:
        parts.append("未发生因政府信息公开引起的行政复议、行政诉讼")
    return "；".join(parts) + "。"


def _published(rng: random.Random, kind: str) -> int:
    median = {"乡": 140, "镇": 75, "街道": 100, "部门": 170}.get(kind, 150)
    return max(5, round(rng.lognormvariate(0, 0.9) * median))


def _fresh(rng: random.Random, pool: list[str], k: int, last: str) -> list[str]:
    """k sentences of the pool of which at most one was in last year's text (a clean report is not a copy)."""
    for _ in range(50):
        picks = _pick(rng, pool, k)
        if sum(1 for p in picks if p in last) <= 1:
            return picks
    return picks


def sections(rng: random.Random, rep: dict, kind: str, short_name: str, previous: dict | None = None) -> dict[str, str]:
    """Overview, problems and other matters of one report; paragraphs separated by newlines."""
    year = rep["year"]
    who = "本机关" if kind == "部门" else f"{short_name}党委、政府"
    opening = (f"{year}年，{short_name}深入贯彻落实《中华人民共和国政府信息公开条例》，"
               + "，".join(s.format(who=who) for s in _pick(rng, _WORK, 3)) + "。")
    points = [f"（{n}）" + s.format(who=who) + "。"
              for n, s in zip("一二三四", _pick(rng, _WORK, rng.randint(2, 4)), strict=False)]
    overview = "\n".join([opening, _figures(rep, _published(rng, kind)), *points])
    last = (previous or {}).get("problems", "")
    probs = _fresh(rng, _PROBLEMS, rng.randint(2, 3), last)
    fixes = _fresh(rng, _FIXES, rng.randint(2, 3), last)
    problems = "\n".join([
        f"{year}年度，本机关政府信息公开工作取得一定成效，但仍存在一些不足：" + "；".join(probs) + "。",
        f"{year + 1}年，我们将" + "；".join(fixes) + "，不断提升政府信息公开工作水平。",
    ])
    return {"overview": overview, "problems": problems, "other_matters": _other_matters(rng.choice(_OTHER), rep)}


def _other_matters(picked: str, rep: dict) -> str:
    """六 as a clean report writes it: from 2021 (or in the 2021 format) it reports the 信息处理费 (FEE_REPORT),
    naming the fee notices table 三 counts. The choice is drawn first, so the generator's random sequence is kept."""
    if not (rep.get("template") == "2021" or rep["year"] >= 2021):
        return picked
    notices = ((rep.get("applications") or {}).get("other_no_fee") or {}).get("total") or 0
    if notices:
        return f"本年度发出信息处理费收费通知{notices}件，申请人均未按时缴纳，未收取信息处理费。"
    return picked if "信息处理费" in picked else _OTHER[0]
