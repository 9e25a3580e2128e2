"""A PDF upload is parsed, not only sniffed: a polyglot that also opens as a ZIP archive, a
PDF carrying markup, data before the signature, or a file that only starts like a PDF is
refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from shireito.core.filestore import check_file
from tests.factories import pdf_bytes


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def _check(tmp_path, raw: bytes) -> str:
    path = tmp_path / "upload"
    path.write_bytes(raw)
    return check_file("evidence.pdf", raw[:4096], path=str(path))


def test_a_real_pdf_is_accepted(tmp_path):
    # given a one-page PDF; then it is accepted as a PDF
    assert _check(tmp_path, pdf_bytes("policy")) == "application/pdf"


@pytest.mark.parametrize(
    "raw",
    [
        pdf_bytes("policy") + _zip(),  # a PDF with a ZIP archive after its end
        pdf_bytes("policy").replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><script>x</script>\n", 1),
        b"junk" + pdf_bytes("policy"),  # data before the signature
        b"%PDF-1.4 only the signature",
        b"%PDF-1.4\n" + _zip(),
    ],
    ids=["zip-appended", "html-near-start", "data-before", "signature-only", "zip-behind-sig"],
)
def test_a_polyglot_or_fake_pdf_is_refused(tmp_path, raw):
    # when a file that is not only a PDF is checked; then it is refused on its field
    with pytest.raises(ValidationError) as refused:
        _check(tmp_path, raw)
    assert "file" in refused.value.message_dict
