"""Output and cache folders from someone else's repo: no writing or deleting through symlinks,
nothing deleted that carousel did not write, whole-thread replacement, stale temps cleaned (issue 16)."""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from tests.helpers import build_in_process, pdf_pages, write_project

GOOD = "---\ntitle: Good\n---\n\nA good post.\n"
OTHER = "---\ntitle: Other\n---\n\nAnother post.\n"
CANARY = "CANARY-91c2-do-not-leak"


def project_with_victim(tmp_path, files=None):
    """A project beside a folder of files that must survive (the victim)."""
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "keep.txt").write_text(CANARY)
    (victim / "01.png").write_text(CANARY)
    (victim / "sub/deep.txt").write_text(CANARY)
    project = write_project(tmp_path / "project", {"content/good.md": GOOD, **(files or {})})
    return project, victim


def victim_intact(victim):
    return sorted(p.relative_to(victim).as_posix() for p in victim.rglob("*")) == ["01.png", "keep.txt", "sub", "sub/deep.txt"] and all(
        p.read_text() == CANARY for p in victim.rglob("*") if p.is_file()
    )


def test_symlinked_output_folder_is_refused(tmp_path):
    project, victim = project_with_victim(tmp_path)
    (project / "output").symlink_to(victim)
    result = build_in_process(project)
    assert result.exit_code == 2
    assert "output: is a symlink; refusing to write or delete through it (nothing was touched)" in result.output
    assert victim_intact(victim)


def test_symlinked_slides_folder_fails_that_thread_alone(tmp_path):
    project, victim = project_with_victim(tmp_path, {"content/other.md": OTHER})
    (project / "output/good").mkdir(parents=True)
    (project / "output/good/slides").symlink_to(victim)
    result = build_in_process(project, "--format", "pdf")
    assert result.exit_code == 1, result.output
    assert (
        "output/good/slides: is a symlink; refusing to write or delete through it (nothing was touched) (building content/good.md)"
        in result.output
    )
    assert (project / "output/other/other.pdf").is_file()
    assert victim_intact(victim)
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert manifest["threads"]["good"]["outcome"] == "failed"


@pytest.mark.parametrize(
    "link",
    [
        ".carousel-cache",
        ".carousel-cache/fonts",
        ".carousel-cache/fonts/project-fonts",
    ],
)
def test_symlinked_cache_folders_are_refused(tmp_path, link):
    project, victim = project_with_victim(tmp_path, {"themes/paper/MyFont.ttf": b"not really a font"})
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(victim)
    result = build_in_process(project)
    assert result.exit_code == 2, result.output
    assert f"{link}: is a symlink; refusing to write or delete through it" in result.output
    assert victim_intact(victim)
    assert not (project / "output").exists()


def test_only_files_carousel_wrote_are_replaced_or_removed(tmp_path):
    project, _ = project_with_victim(tmp_path)
    assert build_in_process(project, "--format", "pdf,png").exit_code == 0
    (project / "output/good/notes.txt").write_text("mine")
    (project / "output/good/slides/mine.png").write_bytes(b"mine")
    assert build_in_process(project, "--format", "pdf").exit_code == 0
    assert (project / "output/good/notes.txt").read_text() == "mine"
    assert (project / "output/good/slides/mine.png").read_bytes() == b"mine"
    assert not (project / "output/good/slides/01.png").exists()  # ours, no longer produced
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert sorted(manifest["threads"]["good"]["files"]) == ["good/alt.txt", "good/caption.txt", "good/good.pdf"]


def test_unchanged_files_keep_their_inode(tmp_path):
    project, _ = project_with_victim(tmp_path)
    assert build_in_process(project).exit_code == 0
    before = (project / "output/good/good.pdf").stat()
    write_project(project, {"content/good.md": GOOD.replace("Good", "Good again")})
    assert build_in_process(project, "--force").exit_code == 0
    after = (project / "output/good/good.pdf").stat()
    assert after.st_ino != before.st_ino  # changed bytes: a new file
    caption = (project / "output/good/caption.txt").stat()
    assert build_in_process(project, "--force").exit_code == 0
    assert (project / "output/good/caption.txt").stat().st_ino == caption.st_ino


def test_stale_staging_and_temp_files_are_cleaned(tmp_path):
    project, _ = project_with_victim(tmp_path)
    assert build_in_process(project).exit_code == 0
    (project / "output/.carousel-staging/good~dead").mkdir(parents=True)
    (project / "output/.carousel-staging/good~dead/good.pdf").write_bytes(b"half")
    (project / "output/good/.good.pdf.abc123xy.tmp").write_bytes(b"half")
    (project / "output/.manifest.json.zz9ab1.tmp").write_bytes(b"half")
    assert build_in_process(project).exit_code == 0
    leftovers = [p.name for p in (project / "output").rglob("*") if ".tmp" in p.name or "staging" in str(p.relative_to(project))]
    assert leftovers == []


def test_interrupted_fallback_swap_is_put_back(tmp_path):
    """A build cut between the two renames of the fallback swap: the old set returns."""
    project, _ = project_with_victim(tmp_path)
    assert build_in_process(project).exit_code == 0
    old = (project / "output/good/good.pdf").read_bytes()
    staging = project / "output/.carousel-staging"
    staging.mkdir()
    (project / "output/good").rename(staging / "good~0a1b2c3d.old")
    assert build_in_process(project).exit_code == 0  # up to date: nothing rendered
    assert (project / "output/good/good.pdf").read_bytes() == old
    assert not staging.exists()


# --- reading through symlinks ---------------------------------------------------------------


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A project whose thread, theme and layout files are symlinks to a canary outside it."""
    root = tmp_path_factory.mktemp("linked")
    outside = root / "outside"
    outside.mkdir()
    (outside / "canary.md").write_text(f"---\ntitle: {CANARY}\n---\n\n{CANARY}\n")
    (outside / "canary.css").write_text(f'.slide::after {{ content: "{CANARY}"; }}\n')
    (outside / "theme.yaml").write_text(f"label: {CANARY}\nextends: paper\n")
    project = write_project(
        root / "project",
        {
            "content/good.md": GOOD,
            "content/inside.md": "---\ntitle: Inside\ntheme: inlink\n---\n\nLinked inside the project.\n",
            "content/csslink.md": "---\ntitle: Css\ntheme: csslink\n---\n\nHello.\n",
            "content/yamllink.md": "---\ntitle: Yaml\ntheme: yamllink\n---\n\nHello.\n",
            "content/layoutcss.md": "---\ntitle: Layout css\nlayout: quote\n---\n\nHello.\n",
            "themes/csslink/theme.yaml": "extends: paper\n",
            "themes/inlink/theme.yaml": "extends: paper\n",
            "assets/inside.css": ".slide { outline: 0; }\n",
        },
    )
    (project / "content/thread.md").symlink_to(outside / "canary.md")
    (project / "themes/csslink/theme.css").symlink_to(outside / "canary.css")
    (project / "themes/yamllink").mkdir()
    (project / "themes/yamllink/theme.yaml").symlink_to(outside / "theme.yaml")
    (project / "themes/inlink/theme.css").symlink_to(project / "assets/inside.css")
    (project / "layouts").mkdir()
    (project / "layouts/quote.css").symlink_to(outside / "canary.css")
    return project, build_in_process(project)


def test_symlinks_out_are_refused_with_the_link_named(linked):
    project, result = linked
    output = result.output
    assert "content/thread.md: a symlink leading outside the project; refused" in output
    assert "themes/csslink/theme.css: a symlink leading outside the project; refused" in output
    assert "themes/yamllink/theme.yaml: a symlink leading outside the project; refused" in output
    assert "layouts/quote.css: a symlink leading outside the project; refused" in output
    assert "Traceback" not in output


def test_symlink_inside_the_project_is_fine(linked):
    project, _ = linked
    assert (project / "output/inside/inside.pdf").is_file()
    assert (project / "output/good/good.pdf").is_file()


def test_canary_appears_in_no_output(linked):
    project, result = linked
    for path in (project / "output").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path
    for pdf in (project / "output").rglob("*.pdf"):
        assert CANARY not in " ".join(page["text"] for page in pdf_pages(pdf))


def test_symlinked_carousel_yaml_is_refused(tmp_path):
    project, victim = project_with_victim(tmp_path)
    (victim / "carousel.yaml").write_text(f"defaults:\n  theme: paper\n# {CANARY}\n")
    (project / "carousel.yaml").symlink_to(victim / "carousel.yaml")
    result = build_in_process(project)
    assert result.exit_code == 2
    assert "carousel.yaml: a symlink leading outside the project; refused" in result.output


# --- what a PDF may carry --------------------------------------------------------------------


def test_theme_css_cannot_close_its_element_or_attach_files(tmp_path):
    project = write_project(
        tmp_path,
        {
            "carousel.yaml": f"# {CANARY}\n",
            ".env": f"TOKEN={CANARY}\n",
            "content/good.md": "---\ntitle: Good\ntheme: evil\n---\n\nA good post.\n",
            "themes/evil/theme.yaml": "extends: paper\n",
            "themes/evil/theme.css": (
                'p { color: red }</style><link rel="attachment" href="../../.env"><style>\n'
                '.x { content: "</style><a rel=attachment href=../../carousel.yaml>x</a>" }\n'
            ),
            "layouts/classic.html": '<a rel="attachment" href="../carousel.yaml">{{ slide.body }}</a>\n',
        },
    )
    result = build_in_process(project)
    assert result.exit_code == 0, result.output
    data = (project / "output/good/good.pdf").read_bytes()
    assert CANARY.encode() not in data
    document = pdfium.PdfDocument(data)
    assert document.count_attachments() == 0
    assert "attachment removed" in result.output


def test_relative_links_never_become_file_links(tmp_path):
    project = write_project(
        tmp_path,
        {
            "content/good.md": "---\ntitle: Links\n---\n\nSee [my notes](notes.md), [site](https://example.com) and [mail](mailto:a@example.com).\n",
        },
    )
    result = build_in_process(project)
    assert result.exit_code == 0, result.output
    assert "link removed: notes.md (only http(s):// and mailto: links are kept)" in result.output
    data = (project / "output/good/good.pdf").read_bytes()
    document = pdfium.PdfDocument(data)
    uris = []
    for index in range(len(document)):
        page = document[index]
        for link in _page_links(page):
            uris.append(link)
    assert "https://example.com" in uris and "mailto:a@example.com" in uris
    assert not any(uri.startswith("file:") or "notes.md" in uri for uri in uris)
    assert str(tmp_path).encode() not in data


def _page_links(page) -> list[str]:
    import ctypes

    import pypdfium2.raw as raw

    found, position = [], ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        action = raw.FPDFLink_GetAction(link)
        if action:
            size = raw.FPDFAction_GetURIPath(page.pdf.raw, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFAction_GetURIPath(page.pdf.raw, action, buffer, size)
            found.append(buffer.value.decode("utf-8", "replace"))
    return found


@pytest.mark.parametrize("name", ["manifest.json", ".carousel.lock", ".carousel-staging"])
def test_symlinked_manifest_lock_or_staging_is_refused_before_anything_is_written(tmp_path, name):
    project, victim = project_with_victim(tmp_path)
    (project / "output").mkdir()
    (project / "output" / name).symlink_to(victim / "keep.txt" if name != ".carousel-staging" else victim)
    result = build_in_process(project)
    assert result.exit_code == 2, result.output
    assert f"output/{name}: is a symlink; refusing to write or delete through it (nothing was touched)" in result.output
    assert victim_intact(victim)
    assert not (project / "output/good").exists()


def test_manifest_bytes_from_memoised_units_are_the_plain_encoding():
    """A swap encodes only the units whose record changed; the bytes are json.dumps(indent=2, sort_keys=True)'s."""
    from generator.output import ManifestFragments, manifest_bytes

    fragments = ManifestFragments()
    alpha = {"files": {"alpha/alpha.pdf": "0" * 64}, "alt": ["Ünïcödé 🚀", 'a "quote"\nnewline'], "build": {"deps": {"files": []}}}
    manifest = {"generator": "carousel-studio 1", "fingerprint": "f", "threads": {"b/x": {"slides": 0, "notes": []}, "alpha": alpha}}
    assert manifest_bytes(manifest, fragments) == manifest_bytes(manifest)
    assert manifest_bytes(manifest, fragments) == (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    replaced = {**manifest, "threads": {**manifest["threads"], "alpha": {**alpha, "slides": 3}}}  # a record is replaced, not edited
    assert manifest_bytes(replaced, fragments) == manifest_bytes(replaced) != manifest_bytes(manifest)
    assert manifest_bytes({"threads": {}}, fragments) == manifest_bytes({"threads": {}})
