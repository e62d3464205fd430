from __future__ import annotations

from aduan.parsers.html_text import html_to_text


def test_tags_are_removed_and_entities_decoded() -> None:
    text = html_to_text("<p>Antrian <b>lama</b> &amp; caf&eacute; &lt;loket 2&gt;</p>")
    assert text == "Antrian lama & café <loket 2>"


def test_style_script_and_head_are_dropped() -> None:
    html = (
        "<html><head><title>Judul</title><style>p { color: red }</style></head>"
        "<body><script>var x = 1 < 2;</script><noscript>aktifkan JS</noscript>"
        "<p>Obat kosong</p></body></html>"
    )
    assert html_to_text(html) == "Obat kosong"


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    assert html_to_text("<p>Satu</p><p>Dua</p><h2>Tiga</h2>") == "Satu\n\nDua\n\nTiga"


def test_divs_and_list_items_start_new_lines() -> None:
    html = "<div>Keluhan:</div><ul><li>antrian</li><li>obat</li></ul>selesai"
    assert html_to_text(html) == "Keluhan:\nantrian\nobat\nselesai"


def test_br_is_a_hard_line_break_so_gmail_empty_divs_make_blank_lines() -> None:
    html = '<div dir="ltr">Halo<div><br></div><div>Salam<br></div><div>Budi</div></div>'
    assert html_to_text(html) == "Halo\n\nSalam\nBudi"


def test_source_newlines_and_runs_of_spaces_are_single_spaces() -> None:
    assert html_to_text("<p>Antrian\n   di   loket\n BPJS</p>") == "Antrian di loket BPJS"


def test_pre_keeps_its_line_breaks() -> None:
    assert html_to_text("<p>Data:</p><pre>baris 1\r\nbaris 2\nbaris 3</pre>") == (
        "Data:\n\nbaris 1\nbaris 2\nbaris 3"
    )


def test_table_cells_are_separated_by_spaces_and_rows_by_lines() -> None:
    html = "<table><tr><td>Nama</td><td>Budi</td></tr><tr><td>Poli</td><td>Gigi</td></tr></table>"
    assert html_to_text(html) == "Nama Budi\nPoli Gigi"


def test_runs_of_blank_lines_collapse_to_one() -> None:
    assert html_to_text("Satu<br><br><br><br><p></p><p>Dua</p>") == "Satu\n\nDua"


def test_nbsp_becomes_a_plain_space() -> None:
    assert html_to_text("Rp&nbsp;50.000") == "Rp 50.000"


def test_comments_and_doctype_are_dropped() -> None:
    assert html_to_text("<!DOCTYPE html><!-- [if mso]>x<![endif] -->Isi") == "Isi"


def test_result_is_stripped() -> None:
    assert html_to_text("\n\n  <div>  Isi  </div>\n\n") == "Isi"


def test_plain_text_passes_through() -> None:
    assert html_to_text("tanpa tag sama sekali") == "tanpa tag sama sekali"


def test_deeply_nested_html_is_handled() -> None:
    depth = 5000
    assert html_to_text("<div>" * depth + "isi" + "</div>" * depth) == "isi"
