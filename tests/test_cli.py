"""The command line: listing, choosing, progress, exit codes, safe and atomic output."""

import os
import re

import pypdf
import pypdfium2 as pdfium

from healthprint.pipeline import plan


def test_list_prints_every_output_and_builds_nothing(run_cli, campaign, tmp_path):
    """--list names each output and its target file, one per line, and writes no PDF."""
    code, out, _ = run_cli("--list", "--campaign", "stem-cell-safety", "--out", str(tmp_path / "out"))
    assert code == 0
    lines = out.splitlines()
    jobs = plan([campaign])
    assert len(lines) == len(jobs) > 0
    for line, job in zip(lines, jobs):
        assert re.fullmatch(rf"{re.escape(job.label)}\s+→ {re.escape(str(tmp_path / 'out' / job.filename))}", line)
    assert not (tmp_path / "out").exists()


def test_choices_narrow_the_build(run_cli):
    """--format, --size and --order pick one output."""
    code, out, _ = run_cli("--list", "--format", "poster", "--size", "a3", "--order", "en+zh-Hans")
    assert code == 0
    assert out.split() == ["stem-cell-safety", "poster-a3", "en+zh-Hans", "→",
                           "out/stem-cell-safety_poster-a3_en+zh-Hans.pdf"]


def test_unknown_choice_is_a_usage_error(run_cli):
    """A format that does not exist: one line listing the valid ones, exit 2."""
    code, _, err = run_cli("--list", "--format", "flyer")
    assert (code, err) == (2, "--format 'flyer' is unknown; available: handout, leaflet, poster\n")
    code, _, err = run_cli("--list", "--order", "fr+en")
    assert (code, err) == (2, "--order 'fr+en': unknown language code 'fr'; available: en, ja, ko, zh-Hans, zh-Hant\n")


def test_build_prints_a_progress_line_per_pdf_and_a_summary(run_cli, campaign, tmp_path):
    """One line per PDF with its size and time, the rate so far and the time left, then `Built N PDFs in
    X s`: every poster size the campaign asks for, in every order. Not a terminal: no bar."""
    jobs = plan([campaign], formats={"poster"})
    code, out, _ = run_cli("--format", "poster", "--campaign", "stem-cell-safety", "--out", str(tmp_path))
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == len(jobs) + 1 and len(jobs) > 1
    for number, (line, job) in enumerate(zip(lines, jobs), 1):
        assert re.match(rf"\[{number}/{len(jobs)}\] {re.escape(job.label)}\s+\d+ KB\s+[\d.]+ s  → "
                        rf"{re.escape(str(tmp_path / job.filename))}  [\d.]+ PDFs/s, \d+ (s|min) left$", line)
    assert lines[len(jobs) - 1].endswith(", 0 s left") and "\r" not in out
    assert re.fullmatch(rf"Built {len(jobs)} PDFs in [\d.]+ s into {re.escape(str(tmp_path))}/", lines[-1])
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(job.filename for job in jobs)


def test_overflowing_panel_fails_and_keeps_the_last_good_pdf(scenario, run_cli, tmp_path):
    """Text too long for a leaflet panel is a build error naming page and panel; the old PDF stays."""
    target = tmp_path / "out" / "stem-cell-safety_leaflet-a4_zh-Hans+en.pdf"
    target.parent.mkdir()
    target.write_bytes(b"last good build")
    # Two long questions for the flap only (the inside panels print the first three): each within its
    # 200-character limit, together too long for the panel.
    last_two = '    - "What was approved: the lab, or the effect?"\n    - "Can I ask my own doctor first?"'
    long_text = "Ask your doctor. " * 11
    content = scenario({"en.yaml": (last_two, "\n".join(f'    - "{long_text}"' for _ in range(2)))})
    code, out, err = run_cli("--content", str(content), "--out", str(target.parent),
                           "--format", "leaflet", "--order", "zh-Hans+en")
    assert code == 2
    assert re.fullmatch(r"\[1/1\] stem-cell-safety leaflet-a4 zh-Hans\+en\s+FAILED \(see below\)\n", out)
    assert err == (f"{content}/campaign/en.yaml:39:7: checklist.items[5]: leaflet-a4 zh-Hans+en, flap panel: "
                   "5 mm over (1 line) — cut about 25 characters of en text or 15 characters of zh-Hans text (the longest text in this panel: "
                   f"{content}/campaign/en.yaml:38:7 checklist.items[4])\nAborted with 1 layout error.\n")
    assert target.read_bytes() == b"last good build"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_too_long_handout_is_an_error_not_an_extra_page(scenario, run_cli, tmp_path):
    """The handout has exactly two sides: more text is refused with the page count."""
    content = scenario({"en.yaml": ('  text: "On 29 August', '  text: "' + "Long text. " * 155 + 'On 29 August')})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "handout",
                           "--size", "a4", "--order", "en+zh-Hans")
    assert code == 2
    assert err == (f"{content}/campaign/en.yaml:8:3: points.heading: handout-a4 en+zh-Hans, page 1: "
                   "129 mm over (19 lines) — cut about 1170 characters of en text or 290 characters of zh-Hans text (the longest text on this page: "
                   f"{content}/campaign/en.yaml:5:3 incident.text)\nAborted with 1 layout error.\n")


def test_markup_in_content_is_printed_as_text_and_loads_nothing(scenario, run_cli, tmp_path):
    """Translators' text is escaped: a tag or a file URL in YAML shows up literally, nothing is fetched."""
    evil = '<img src=\\"file:///etc/passwd\\"><b>Bold?</b>'
    content = scenario({"en.yaml": ('key_question: "Is there a published trial for my illness?',
                                    f'key_question: "{evil}')})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "poster",
                           "--size", "a2", "--order", "en+zh-Hans")
    assert (code, err) == (0, "")
    pdf = next(tmp_path.glob("*.pdf"))
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert '<img src="file:///etc/passwd"><b>Bold?</b>' in text.replace("\r\n", "")


def test_unchanged_outputs_are_skipped_until_something_changes(scenario, run_cli, tmp_path):
    """A second build says "up to date"; a content edit or --force rebuilds; bytes stay the same."""
    content = scenario()
    args = ("--content", str(content), "--out", str(tmp_path / "out"), "--format", "poster", "--size", "a3",
            "--order", "zh-Hans+en")
    assert run_cli(*args)[0] == 0
    pdf = tmp_path / "out" / "stem-cell-safety_poster-a3_zh-Hans+en.pdf"
    first = pdf.read_bytes()
    code, out, _ = run_cli(*args)
    assert code == 0 and "up to date" in out.splitlines()[0]
    assert out.splitlines()[-1].endswith("(1 up to date)")
    code, out, _ = run_cli(*args, "--force")
    assert "up to date" not in out and pdf.read_bytes() == first
    english = content / "campaign" / "en.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("safety first", "safety comes first"),
                       encoding="utf-8")
    code, out, _ = run_cli(*args)
    assert "up to date" not in out and pdf.read_bytes() != first


def test_two_campaigns_with_one_id_are_refused(scenario, run_cli):
    """Two folders with the same campaign id would write the same files: a usage error, exit 2."""
    content = scenario()
    (content / "copy").mkdir()
    for name in ("campaign.yaml", "zh-Hans.yaml", "en.yaml"):
        (content / "copy" / name).write_bytes((content / "campaign" / name).read_bytes())
    code, _, err = run_cli("--content", str(content), "--list")
    assert (code, err) == (2, f"{content}/campaign and {content}/copy have the same id 'stem-cell-safety': "
                              "their PDFs would overwrite each other\n")


def test_out_must_be_a_folder(run_cli, tmp_path):
    """--out naming a file is a usage error before anything is built."""
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli("--format", "poster", "--out", str(tmp_path / "file"))
    assert (code, err) == (2, f"--out {tmp_path / 'file'}: is a file, not a folder\n")


def test_pdfs_are_readable_by_others(run_cli, tmp_path):
    """Written PDFs get the usual permissions (umask), not the private mode of a temporary file."""
    assert run_cli("--format", "poster", "--size", "a3", "--order", "en+zh-Hans", "--out", str(tmp_path))[0] == 0
    mode = next(tmp_path.glob("*.pdf")).stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_escaped_characters_are_in_the_font_subset(scenario, run_cli, tmp_path):
    """An apostrophe (escaped as &#39; in the HTML) is drawn from the project's font, not a system one."""
    content = scenario({"en.yaml": ('heading: "Get help now"', 'heading: "Don\'t wait: get help"')})
    code, _, _ = run_cli("--content", str(content), "--format", "poster", "--size", "a3", "--order", "en+zh-Hans",
                         "--out", str(tmp_path))
    assert code == 0
    reader = pypdf.PdfReader(next(tmp_path.glob("*.pdf")))
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert all("Healthprint-Noto-Sans-CJK" in name for name in fonts), fonts


def test_a_phone_number_with_country_code_and_spaces_prints_on_one_line(scenario, run_cli, tmp_path):
    """A number such as +852 2835 1234 (a country code, spaces) is accepted and printed whole."""
    content = scenario({"campaign.yaml": ('number: "120"', 'number: "+852 2835 1234"')})
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path), "--format", "poster", "--size", "a3",
                           "--order", "en+zh-Hans")
    assert (code, err) == (0, "")
    lines = pdfium.PdfDocument(next(tmp_path.glob("*.pdf")))[0].get_textpage().get_text_range().splitlines()
    assert any("+852 2835 1234" in line for line in lines), [line for line in lines if "2835" in line]
