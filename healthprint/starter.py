"""`build.py new ID`: a new campaign folder from a commented starter that builds at once.

The starter is YAML text with the placeholders filled in, not a dumped data structure: its comments
are the point (what each field is, where it prints, its limits), and a YAML writer would drop them.
"""

import argparse
import dataclasses
import datetime
import json
import os
import shlex
import shutil
import tempfile
import textwrap
from pathlib import Path
from string import Template

from .campaign import CAMPAIGN_FILE
from .cli import program_name
from .errors import UsageError, machine_error, quote
from .languages import LANGUAGES
from .schema import SLUG, Campaign

DEFAULT_LANGUAGES = "zh-Hans,en"
REVIEW_AFTER_YEARS = 2  # a starter's review date; campaign.py allows up to REVIEW_YEARS

# The region whose emergency number a starter prints, by the language that suggests it: a placeholder
# the comments ask to change, but one the languages table names in every language, so it builds.
REGIONS = {"zh-Hans": ("china", "120"), "zh-Hant": ("hong-kong", "999"), "ja": ("japan", "119"),
           "ko": ("korea", "119"), "en": ("uk", "999")}

# The placeholder texts, written in each language (not machine-translated): short enough for every
# format in one, two or three languages, and free of the punctuation slips the content check reports.
PLACEHOLDERS = {
    "en": {
        "title": "Your campaign title",
        "main_message": "Write your main message here, in one short sentence.",
        "points_heading": "Three things to remember",
        "point1_left": "A common belief", "point1_right": "the facts",
        "point1_text": "Explain the first point in plain words.",
        "point2_statement": "A second point",
        "point2_text": "Explain in plain words why it matters.",
        "point3_statement": "A third point",
        "point3_text": "Say what the reader should do.",
        "facts_heading": "Why it matters",
        "fact_title": "A fact",
        "fact_text": "A cause, a risk or a moment to act, in one or two sentences.",
        "key_question": "Is this safe and right for me? If you are not sure, ask first.",
        "checklist_heading": "Questions for your doctor",
        "check1": "What are the risks?", "check2": "Is there another way?",
        "check3": "Whom do I call if I feel unwell?",
        "slogan": "A short slogan people remember.",
        "urgent_heading": "Get help now",
        "urgent_text": "Trouble breathing, chest pain or fainting: call an ambulance at once.",
        "reference_label": "Reference",
        "credit": "Say here who wrote this text and what it is based on.",
        "disclaimer": "General health information, not medical advice. If you feel unwell, see a doctor.",
        "issuer": "Your organisation's name",
    },
    "zh-Hans": {
        "title": "活动标题写在这里",
        "main_message": "在这里用一句简短的话写出主要信息。",
        "points_heading": "请记住三件事",
        "point1_left": "常见的看法", "point1_right": "事实",
        "point1_text": "用浅白的话解释第一点。",
        "point2_statement": "第二点",
        "point2_text": "用浅白的话说明它为什么重要。",
        "point3_statement": "第三点",
        "point3_text": "说明读者应该怎么做。",
        "facts_heading": "为什么重要",
        "fact_title": "一个事实",
        "fact_text": "用一两句话说明一个原因、一个风险或该行动的时机。",
        "key_question": "这对我安全、合适吗？如果不确定，先问清楚。",
        "checklist_heading": "可以问医生的问题",
        "check1": "有哪些风险？", "check2": "还有别的办法吗？",
        "check3": "身体不适时该找谁？",
        "slogan": "一句让人记得住的简短口号。",
        "urgent_heading": "立即求助",
        "urgent_text": "呼吸困难、胸痛或晕倒：立即拨打急救电话。",
        "reference_label": "参考文献",
        "credit": "在这里说明本文的作者和依据。",
        "disclaimer": "本材料为一般健康信息，不构成医疗建议。如感不适，请就医。",
        "issuer": "贵机构的名称",
    },
    "zh-Hant": {
        "title": "活動標題寫在這裡",
        "main_message": "在這裡用一句簡短的話寫出主要訊息。",
        "points_heading": "請記住三件事",
        "point1_left": "常見的看法", "point1_right": "事實",
        "point1_text": "用淺白的話解釋第一點。",
        "point2_statement": "第二點",
        "point2_text": "用淺白的話說明它為甚麼重要。",
        "point3_statement": "第三點",
        "point3_text": "說明讀者應該怎樣做。",
        "facts_heading": "為甚麼重要",
        "fact_title": "一個事實",
        "fact_text": "用一兩句話說明一個原因、一個風險或該行動的時機。",
        "key_question": "這對我安全、合適嗎？如果不確定，先問清楚。",
        "checklist_heading": "可以問醫生的問題",
        "check1": "有哪些風險？", "check2": "還有別的方法嗎？",
        "check3": "身體不適時該找誰？",
        "slogan": "一句讓人記得住的簡短口號。",
        "urgent_heading": "立即求助",
        "urgent_text": "呼吸困難、胸痛或暈倒：立即致電召喚救護車。",
        "reference_label": "參考資料",
        "credit": "在這裡說明本文的作者和依據。",
        "disclaimer": "本資料為一般健康資訊，不構成醫療建議。如感不適，請求診。",
        "issuer": "貴機構的名稱",
    },
    "ja": {
        "title": "キャンペーンのタイトル",
        "main_message": "ここに主なメッセージを短い一文で書いてください。",
        "points_heading": "覚えておきたい三つのこと",
        "point1_left": "よくある思い込み", "point1_right": "事実",
        "point1_text": "一つ目のポイントを分かりやすく説明してください。",
        "point2_statement": "二つ目のポイント",
        "point2_text": "なぜ大切かを分かりやすく説明してください。",
        "point3_statement": "三つ目のポイント",
        "point3_text": "読む人が何をすればよいかを書いてください。",
        "facts_heading": "なぜ大切か",
        "fact_title": "一つの事実",
        "fact_text": "原因、危険、行動すべき時などを一、二文で書いてください。",
        "key_question": "これは自分にとって安全で適切ですか？分からなければ、まず聞きましょう。",
        "checklist_heading": "医師に聞きたいこと",
        "check1": "どんな危険がありますか？", "check2": "ほかの方法はありますか？",
        "check3": "具合が悪くなったら誰に連絡しますか？",
        "slogan": "覚えやすい短い標語をここに。",
        "urgent_heading": "すぐに助けを求める",
        "urgent_text": "息が苦しい、胸が痛い、意識を失ったときは、すぐに救急車を呼んでください。",
        "reference_label": "参考文献",
        "credit": "この文章を書いた人と、その根拠をここに書いてください。",
        "disclaimer": "一般的な健康情報であり、医学的な助言ではありません。具合が悪いときは医師に相談してください。",
        "issuer": "あなたの団体の名前",
    },
    "ko": {
        "title": "캠페인 제목",
        "main_message": "여기에 핵심 메시지를 짧은 한 문장으로 쓰세요.",
        "points_heading": "꼭 기억할 세 가지",
        "point1_left": "흔한 생각", "point1_right": "사실",
        "point1_text": "첫 번째 요점을 쉬운 말로 설명하세요.",
        "point2_statement": "두 번째 요점",
        "point2_text": "왜 중요한지 쉬운 말로 설명하세요.",
        "point3_statement": "세 번째 요점",
        "point3_text": "읽는 사람이 무엇을 해야 하는지 쓰세요.",
        "facts_heading": "왜 중요할까요",
        "fact_title": "사실 하나",
        "fact_text": "원인, 위험, 행동할 때 등을 한두 문장으로 쓰세요.",
        "key_question": "나에게 안전하고 알맞은가요? 잘 모르겠다면 먼저 물어보세요.",
        "checklist_heading": "의사에게 물어볼 것",
        "check1": "어떤 위험이 있나요?", "check2": "다른 방법도 있나요?",
        "check3": "몸이 안 좋으면 누구에게 연락하나요?",
        "slogan": "기억하기 쉬운 짧은 표어를 쓰세요.",
        "urgent_heading": "즉시 도움 요청",
        "urgent_text": "숨쉬기 힘들거나 가슴이 아프거나 정신을 잃으면 바로 구급차를 부르세요.",
        "reference_label": "참고 자료",
        "credit": "이 글을 쓴 사람과 근거를 여기에 밝히세요.",
        "disclaimer": "이 자료는 일반 건강 정보이며 의료 조언이 아닙니다. 몸이 좋지 않으면 의사와 상담하세요.",
        "issuer": "기관 이름",
    },
}

CAMPAIGN_TEMPLATE = Template("""\
# Build it and look at it: $command   (the PDFs go to out/; open them to preview)
# What every language of the campaign shares. Every field, its limits and the formats that print it:
# docs/fields.md. The texts are in the language files beside this one ($files).

# The campaign's short name, in the PDFs' file names: lower-case letters, digits and single hyphens.
id: $id
# One to three of ${known}, each with its file <code>.yaml in this folder.
languages: [$languages]
# Optional: the language orders to build, the first language leading (largest, first), e.g.
# [$example_order]. Left out, as here: each language leads once.
# orders: [$example_order]
# Publication date (YYYY-MM-DD), printed in the small print and the PDFs' creation date.
published: $published
# Version of this text, printed in the small print; quoted, so that 1.10 stays 1.10.
version: "1.0"
# When the text is reviewed again, printed too: after `published`, at most 3 years later.
review_by: $review_by
# The campaign's colours, as #RRGGBB; text is checked for contrast against `paper`.
colours:
  accent: "#B3261E"   # warning: the ≠ marks, the slogan band, rules
  calm: "#1B5E7A"     # reassuring: what to do and what to ask
  ink: "#1A1A1A"      # body text
  paper: "#FFFFFF"    # page background
# The icon drawn large beside the main message (handout and tri-fold cover, poster), by name from the
# icon sheet docs/images/icons.png; delete the line for none.
pictogram: question
# Emergency numbers (1 to 4), printed in this order in the urgent-help box of every format. `number` is
# printed on one line: digits, with a leading + and spaces, hyphens or brackets. `region` is a region id;
# for one the languages table does not name, each language file names it under urgent.regions. Named:
$regions
emergency:
  - region: $region
    number: "$number"
# The scientific reference, as cited (in no particular language): printed under every language's
# `sources.reference_label`, in the small print of every format.
reference: "Replace with the reference, as cited: authors, title, journal or publisher, year."
# Optional: the campaign's web page. The QR code of an organisation's edition (--orgs) points here when
# the organisation has no website of its own.
# url: https://example.org/your-campaign
# What `build.py` makes, each format in the sizes listed:
#   handout: a4, letter (two pages, up to 3 languages), a5 (a four-page booklet, up to 2 languages);
#   leaflet: the tri-fold, a4 or letter: it needs `checklist` and exactly 3 points, holds 2 languages;
#   poster: a1, a2, a3 or tabloid: at most 3 points, no slogans, 2 languages.
# An output may list its own `orders`; delete an output to stop building it.
outputs:
  - format: handout
    sizes: [a4]
  - format: leaflet
    sizes: [a4]$pairs
  - format: poster
    sizes: [a3]$pairs
""")

LANGUAGE_TEMPLATE = Template("""\
# The campaign in $name ($code). Every language file has the same keys: replace the texts, keep the keys.
# Quote every text ("…"), so a colon or a # in it stays text. Every field, its limits and the formats
# that print it: docs/fields.md. Whether a text fits is the build's to say: too long a text fails it with
# the millimetres over and about how many characters to cut.

# The headline: the handout's and tri-fold's cover, the top of the poster. At most 2 lines: about 17
# Chinese, Japanese or Korean characters or 31 English letters a line on the A4 handout, 10 or 19 on the
# tri-fold.
title: $title
# The one main message, one sentence, under the title in every format (at most 2 lines).
main_message: $main_message
# Optional: an event the campaign answers, printed before the points. To print one, add it in every
# language file, without the # marks:
# incident:
#   heading: "…"   # the section's heading (handout)
#   text: "…"      # what happened, in two or three short sentences (handout)
#   summary: "…"   # the same in one sentence, with what is not yet known (poster)
# The core points, in every format.
points:
  heading: $points_heading   # over the points (handout, tri-fold)
  # One to six points; the tri-fold needs exactly 3 (one per inside panel), a poster prints at most 3.
  # A point is an inequality, `left` ≠ `right` (each term short: one line on the poster), or a plain
  # `statement`, printed with its number. `text` explains it in one to three plain sentences (handout,
  # tri-fold).
  items:
    - left: $point1_left
      right: $point1_right
      text: $point1_text
    - statement: $point2_statement
      text: $point2_text
    - statement: $point3_statement
      text: $point3_text
# Optional: facts with icons (causes, risks, moments to act) on the handout; the tri-fold prints fact N
# beside point N, so at most 3 there. `icon` is a name from docs/images/icons.png, the same in every
# language file (delete the line for none).
facts:
  heading: $facts_heading
  items:
    - title: $fact_title
      text: $fact_text
      icon: warning
# Optional: the one question that decides, with what the answer means: large on the poster, first in
# every checklist. It stands under the checklist's heading, so it needs `checklist`.
key_question: $key_question
# Questions to ask or steps to take (1 to 8), after `key_question`: on the handout, the poster and the
# tri-fold's fold-in flap, which needs it (delete it only with the leaflet from `outputs`). The tri-fold
# also prints item N beside point N.
checklist:
  heading: $checklist_heading
  items:
    - $check1
    - $check2
    - $check3
# Optional: slogans. The first leads (the handout's slogan band, the tri-fold's cover); the tri-fold
# prints three more inside, the poster none: at most 4 with the tri-fold, 1 without.
slogans:
  - $slogan
# When and whom to call: the red box of every format, with the numbers of `emergency` in campaign.yaml.
urgent:
  heading: $urgent_heading
  text: $urgent_text
  # Only for a region the languages table does not name: its name in this language, by region id.
  # regions:
  #   my-region: "…"
# The small print of every format.
sources:
  reference_label: $reference_label   # printed before campaign.yaml's `reference`
  credit: $credit   # who wrote this text and what it is based on
# Not medical advice; see a doctor.
disclaimer: $disclaimer
labels:
  issuer: $issuer   # who issues the leaflet: in the small print beside the dates
""")


def _parser(program: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{program} new",
        description="Create a new campaign folder from a commented starter that builds as it is.")
    parser.add_argument("id", help="the campaign's id and folder name, e.g. flu-vaccine")
    parser.add_argument("--languages", default=DEFAULT_LANGUAGES, metavar="CODES",
                        help=f"one to three of {', '.join(LANGUAGES)}, separated by commas "
                             f"(default: {DEFAULT_LANGUAGES})")
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="the folder of campaigns to create it in (default: content)")
    return parser


def _check_id(value: str) -> None:
    longest = next(field for field in dataclasses.fields(Campaign) if field.name == "id").metadata["chars"]
    if not SLUG.regex.fullmatch(value) or len(value) > longest:
        raise UsageError(f"{quote(value)} is not a campaign id: use {SLUG.described}, at most {longest} characters")


def _languages(value: str) -> list[str]:
    codes = [code.strip() for code in value.split(",")]
    for code in codes:
        if code not in LANGUAGES:
            raise UsageError(f"--languages: unknown language code {quote(code)}; "
                             f"available: {', '.join(sorted(LANGUAGES))}")
    if len(set(codes)) != len(codes):
        raise UsageError(f"--languages {value}: the same language is listed twice")
    if len(codes) > 3:
        raise UsageError(f"--languages {value}: at most 3 languages, not {len(codes)}")
    return codes


def _yaml_text(value: str) -> str:
    """A text as a double-quoted YAML scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    """`text` as YAML comment lines."""
    return "\n".join(f"# {line}" for line in textwrap.wrap(text, 100))


def _review_date(published: datetime.date) -> datetime.date:
    try:
        return published.replace(year=published.year + REVIEW_AFTER_YEARS)
    except ValueError:  # 29 February
        return published.replace(year=published.year + REVIEW_AFTER_YEARS, day=28)


def starter_files(campaign_id: str, languages: list[str], command: str,
                  published: datetime.date) -> dict[str, str]:
    """The starter campaign's files, by name: campaign.yaml and one `<code>.yaml` per language."""
    # The tri-fold and the poster hold two languages: with three, each of the first two with the last.
    pairs = ("" if len(languages) < 3 else
             f"\n    orders: [{', '.join(f'{code}+{languages[-1]}' for code in languages[:-1])}]")
    leading = next((code for code in languages if LANGUAGES[code].cjk), languages[0])
    region, number = REGIONS[leading]
    names = [f"{code}.yaml" for code in languages]
    named = [known for known in LANGUAGES[leading].regions  # the regions every language of the campaign names
             if all(LANGUAGES[code].region_name(known) for code in languages)]
    files = {CAMPAIGN_FILE: CAMPAIGN_TEMPLATE.substitute(
        command=command, files=", ".join(names), id=campaign_id, known=", ".join(LANGUAGES),
        languages=", ".join(languages), example_order="+".join(languages[:2]), published=published,
        review_by=_review_date(published), regions=_comment(", ".join(named)),
        region=region, number=number, pairs=pairs)}
    for code, name in zip(languages, names):
        texts = {key: _yaml_text(text) for key, text in PLACEHOLDERS[code].items()}
        files[name] = LANGUAGE_TEMPLATE.substitute(texts, name=LANGUAGES[code].names["en"], code=code)
    return files


def _exists(target: Path) -> UsageError:
    return UsageError(f"{target}: already exists; choose another id, or move it away first")


def _write_folder(target: Path, files: dict[str, str]) -> None:
    """Write the files into a new folder beside `target`, then rename it into place: an interrupted or
    failed run leaves no half campaign (which the next build would read and report)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise machine_error(error, target.parent, "give --content a folder you can write to") from None
    try:
        umask = os.umask(0)  # mkdtemp makes the folder private; a campaign folder gets the user's usual mode
        os.umask(umask)
        os.chmod(temp, 0o777 & ~umask)
        for name, text in files.items():
            (temp / name).write_text(text, encoding="utf-8")
        if os.path.lexists(target):  # appeared while we wrote: still never replace it
            raise _exists(target)
        temp.rename(target)
    except OSError as error:
        raise machine_error(error, target, "give --content a folder you can write to") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def run(argv: list[str]) -> int:
    program = program_name()
    args = _parser(program).parse_args(argv)
    _check_id(args.id)
    languages = _languages(args.languages)
    if os.path.lexists(args.content / CAMPAIGN_FILE):
        raise UsageError(f"--content {args.content}: is a campaign's folder; give the folder that holds campaigns")
    if args.content.exists() and not args.content.is_dir():
        raise UsageError(f"--content {args.content}: is a file, not a folder")
    target = args.content / args.id
    if os.path.lexists(target):
        raise _exists(target)
    content = "" if args.content == Path("content") else f" --content {shlex.quote(str(args.content))}"
    command = f"{program}{content} --campaign {args.id}"
    files = starter_files(args.id, languages, command, datetime.date.today())
    _write_folder(target, files)
    print(f"Created {target}/ ({', '.join(languages)}):")
    for name in files:
        print(f"  {target / name}")
    print("Next: replace the texts in each file (the comments say what each is), then build and look at the PDFs:")
    print(f"  {command}")
    return 0
