"""systemd/aduan.service: `systemd-analyze verify` is clean, `systemd-analyze security` scores it
at most 2.0, it agrees with the shipped config and sysusers file, and its seccomp settings
(SystemCallFilter=, MemoryDenyWriteExecute=) do not break OCR, PDF, scikit-learn or
multiprocessing.

No systemd needs to run: verify and security work offline, and the seccomp filters are rebuilt
with libseccomp from `systemd-analyze syscall-filter`, the same tables systemd loads. The mount
sandbox (ProtectSystem=, PrivateDevices=, …) needs a real systemd and is not exercised here.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from functools import cache
from pathlib import Path

import pytest

from aduan.daemon.config import parse_settings

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "aduan.service"
SYSUSERS = ROOT / "systemd" / "aduan.sysusers"
README = ROOT / "systemd" / "README.md"
EXAMPLE_CONFIG = ROOT / "aduan.example.toml"
MAX_EXPOSURE = 2.0
INSTALLED_BINARY = "/opt/aduan/.venv/bin/aduan"
# Where Debian's tesseract-ocr-* packages put the models (tesserocr's wheel does not know).
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found (Debian package systemd)"
        # A CI run that silently skips the unit checks would look green.
        if "CI" in os.environ:
            pytest.fail(f"{message}, and CI is set", pytrace=False)
        pytest.skip(message)
    return path


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, env=env, cwd=cwd, check=False
    )


def _settings(path: Path) -> dict[str, list[str]]:
    """Every `Key=value` of a unit-like file, all values per key in order (keys repeat)."""
    settings: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


# --- systemd-analyze ------------------------------------------------------------------


def test_verify_is_clean(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    # verify insists that ExecStart= exists, and /opt/aduan is only there on an installed
    # box: check a copy whose ExecStart names a stub instead. Same file name, since the unit
    # name decides $CREDENTIALS_DIRECTORY.
    stub = tmp_path / "aduan"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    original = UNIT.read_text(encoding="utf-8")
    exec_start = f"ExecStart={INSTALLED_BINARY} "
    assert original.count(exec_start) == 1
    copy_dir = tmp_path / "unit"
    copy_dir.mkdir()
    copy = copy_dir / "aduan.service"
    copy.write_text(original.replace(exec_start, f"ExecStart={stub} "), encoding="utf-8")

    result = _run(analyze, "verify", str(copy))
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warnings (exit 0): any output at all is a failure.
    assert result.stdout.strip() == ""
    assert result.stderr.strip() == ""

    # The untouched unit may differ only in that one complaint, so the stub hides nothing.
    real = _run(analyze, "verify", str(UNIT))
    if Path(INSTALLED_BINARY).exists():
        assert real.returncode == 0, real.stderr
        assert real.stderr.strip() == ""
    else:
        complaints = [line for line in real.stderr.splitlines() if line.strip()]
        assert complaints == [
            f"aduan.service: Command {INSTALLED_BINARY} is not executable: "
            "No such file or directory"
        ]


def test_security_exposure_is_at_most_two() -> None:
    analyze = _tool("systemd-analyze")
    result = _run(analyze, "security", "--offline=yes", "--no-pager", str(UNIT))
    assert result.returncode == 0, result.stderr
    match = re.search(r"Overall exposure level for aduan\.service: (\d+(?:\.\d+)?)", result.stdout)
    assert match, f"no 'Overall exposure level' line in:\n{result.stdout}\n{result.stderr}"
    exposure = float(match.group(1))
    failing = "\n".join(line for line in result.stdout.splitlines() if line.startswith("✗"))
    assert exposure <= MAX_EXPOSURE, f"exposure {exposure} > {MAX_EXPOSURE}; open items:\n{failing}"


# --- the unit agrees with the rest of the project -------------------------------------


def test_unit_matches_config_and_service_contract() -> None:
    unit = _settings(UNIT)
    assert unit["Type"] == ["notify"]
    assert unit["NotifyAccess"] == ["main"]
    assert unit["WatchdogSec"] == ["60"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["TimeoutStopSec"] == ["15"]
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert unit["ExecStart"] == [f"{INSTALLED_BINARY} --config /etc/aduan/aduan.toml run"]
    assert unit["StateDirectory"] == ["aduan"]
    assert unit["WorkingDirectory"] == ["/var/lib/aduan"]

    # aduan.toml names the files systemd puts the credentials in: /run/credentials/<unit>/<id>.
    credentials = {value.split(":", 1)[0] for value in unit["LoadCredential"]}
    assert credentials == {"imap", "smtp"}
    example = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for name in credentials:
        assert f'password_file = "/run/credentials/{UNIT.name}/{name}"' in example


def test_readme_config_writes_only_where_the_sandbox_allows() -> None:
    """The config systemd/README.md tells people to start from is valid and puts every file
    under the state directory: a relative path would resolve under read-only /etc/aduan."""
    readme = README.read_text(encoding="utf-8")
    block = re.search(r"Start from this.*?```toml\n(.*?)```", readme, re.DOTALL)
    assert block, "no ```toml block after 'Start from this' in systemd/README.md"
    text = textwrap.dedent(block.group(1))
    settings = parse_settings(tomllib.loads(text), Path("/etc/aduan/aduan.toml"))

    state = Path("/var/lib/aduan")
    assert settings.database.url == f"sqlite:///{state}/aduan.db"
    written = [
        settings.scans.inbox,
        settings.scans.done,
        settings.scans.quarantine,
        settings.smtp.outbox_dir,
        settings.storage.path,
    ]
    for path in written:
        assert path.is_relative_to(state), path
    credentials = Path("/run/credentials") / UNIT.name
    assert settings.mailbox is not None
    assert settings.mailbox.password_file == credentials / "imap"
    assert settings.smtp.password_file == credentials / "smtp"


def test_sysusers_creates_the_unit_user(tmp_path: Path) -> None:
    sysusers = _tool("systemd-sysusers")
    (tmp_path / "etc").mkdir()
    result = _run(sysusers, f"--root={tmp_path}", str(SYSUSERS))
    assert result.returncode == 0, result.stderr
    unit = _settings(UNIT)
    user = unit["User"][0]
    passwd = (tmp_path / "etc" / "passwd").read_text().splitlines()
    entry = next(line.split(":") for line in passwd if line.startswith(f"{user}:"))
    uid, home, shell = int(entry[2]), entry[5], entry[6]
    assert 0 < uid < 1000  # a system user
    assert home == unit["WorkingDirectory"][0]
    assert shell.endswith("nologin")
    group = (tmp_path / "etc" / "group").read_text()
    assert f"{unit['Group'][0]}:x:" in group


# --- seccomp: the libraries aduan uses survive the unit's filters ---------------------

# Loads the two seccomp filters systemd would (MemoryDenyWriteExecute=, then the
# SystemCallFilter= allow list with SystemCallErrorNumber=EPERM), then execs the probe.
SANDBOX = textwrap.dedent(
    """
    import ctypes, errno, mmap, os, sys
    lib = ctypes.CDLL(sys.argv[1], use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]

    class Cmp(ctypes.Structure):
        _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                    ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]

    ALLOW, EPERM, MASKED_EQ = 0x7FFF0000, 0x00050000 | errno.EPERM, 7
    mdwe = lib.seccomp_init(ALLOW)
    for name, arg, mask in [("mmap", 2, mmap.PROT_WRITE | mmap.PROT_EXEC),
                            ("mprotect", 2, mmap.PROT_EXEC),
                            ("pkey_mprotect", 2, mmap.PROT_EXEC),
                            ("shmat", 2, 0o100000)]:  # SHM_EXEC
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        cmp = (Cmp * 1)(Cmp(arg, MASKED_EQ, mask, mask))
        assert lib.seccomp_rule_add_array(mdwe, EPERM, nr, 1, cmp) == 0, name
    assert lib.seccomp_load(mdwe) == 0
    allow = lib.seccomp_init(EPERM)
    for name in open(sys.argv[2]).read().split():
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr >= 0:
            assert lib.seccomp_rule_add_array(allow, ALLOW, nr, 0, None) == 0, name
    assert lib.seccomp_load(allow) == 0
    os.execv(sys.executable, [sys.executable, *sys.argv[3:]])
    """
)

# What the service does under the filters: tesseract as a program and (when installed)
# through tesserocr, PP-OCR on onnxruntime (when installed), a PDF through pypdfium2, a
# spawn pool with semaphores, scikit-learn, a ctypes callback. It first proves the filters
# are in force.
PROBE = textwrap.dedent(
    """
    import ctypes, mmap, multiprocessing, os, sys
    from concurrent.futures import ProcessPoolExecutor

    def square(x):
        return x * x

    if __name__ == "__main__":
        try:
            mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            sys.exit("W+X mapping was allowed: MemoryDenyWriteExecute not emulated")
        except OSError:
            pass
        try:
            os.setpriority(os.PRIO_PROCESS, 0, 5)
            sys.exit("setpriority was allowed: SystemCallFilter=~@resources not emulated")
        except OSError:
            pass

        import io
        import numpy as np
        import pypdfium2
        import pytesseract
        from PIL import Image, ImageDraw, ImageFont
        from sklearn.linear_model import LogisticRegression

        image = Image.new("L", (1400, 160), 255)
        font = ImageFont.load_default(size=56)
        ImageDraw.Draw(image).text((30, 40), "Pelayanan loket lambat", fill=0, font=font)
        text = pytesseract.image_to_string(image, lang=sys.argv[1])
        assert "loket" in text.lower(), text
        try:
            import tesserocr
        except ImportError:
            tesserocr = None
        if tesserocr is not None and sys.argv[2]:
            with tesserocr.PyTessBaseAPI(path=sys.argv[2], lang=sys.argv[1]) as api:
                api.SetImage(image)
                assert "loket" in api.GetUTF8Text().lower()
        from aduan.parsers import handwriting
        if handwriting.status().usable:  # the extra "tulisan-tangan": onnxruntime
            read = " ".join(word.text for word in handwriting.read(image))
            assert "loket" in read.lower(), read
        pdf = io.BytesIO()
        image.save(pdf, format="PDF")
        page = pypdfium2.PdfDocument(pdf.getvalue())[0]
        assert page.render(scale=1).to_pil().size == image.size

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            assert list(pool.map(square, range(4))) == [0, 1, 4, 9]
        with context.Lock(), context.Semaphore(2):
            pass

        rng = np.random.default_rng(0)
        x = rng.random((200, 4))
        y = (x[:, 0] > 0.5).astype(int)
        assert LogisticRegression().fit(x, y).score(x, y) > 0.9

        compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
        def by_value(a, b):
            ia = ctypes.cast(a, ctypes.POINTER(ctypes.c_int))[0]
            ib = ctypes.cast(b, ctypes.POINTER(ctypes.c_int))[0]
            return ia - ib
        numbers = (ctypes.c_int * 3)(3, 1, 2)
        ctypes.CDLL(None).qsort(numbers, 3, ctypes.sizeof(ctypes.c_int), compare(by_value))
        assert list(numbers) == [1, 2, 3]
        print("probe ok")
    """
)


@cache
def _syscall_group(analyze: str, name: str) -> frozenset[str]:
    """A `@group` of `systemd-analyze syscall-filter`, nested groups expanded."""
    listing = _run(analyze, "syscall-filter", name)
    assert listing.returncode == 0, listing.stderr
    calls: set[str] = set()
    for line in listing.stdout.splitlines()[1:]:
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        calls |= _syscall_group(analyze, item) if item.startswith("@") else {item}
    return frozenset(calls)


def _allowed_syscalls(analyze: str) -> frozenset[str]:
    """The allow list the unit's SystemCallFilter= lines amount to."""
    allowed: frozenset[str] = frozenset()
    for value in _settings(UNIT)["SystemCallFilter"]:
        deny = value.startswith("~")
        for item in value.removeprefix("~").split():
            calls = _syscall_group(analyze, item) if item.startswith("@") else {item}
            allowed = allowed - calls if deny else allowed | calls
    return allowed


def test_ocr_pdf_sklearn_and_multiprocessing_survive_the_seccomp_filters(
    tmp_path: Path,
) -> None:
    analyze = _tool("systemd-analyze")
    unit = _settings(UNIT)
    assert unit["MemoryDenyWriteExecute"] == ["yes"]
    assert unit["SystemCallErrorNumber"] == ["EPERM"]
    libseccomp = ctypes.util.find_library("seccomp")
    if libseccomp is None:
        pytest.skip("libseccomp not found (Debian package libseccomp2, a dependency of systemd)")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not found (Debian package tesseract-ocr)")
    tessdata = next((d for d in TESSDATA_DIRS if (Path(d) / "ind.traineddata").exists()), "")
    allowed = tmp_path / "allowed.txt"
    allowed.write_text("\n".join(sorted(_allowed_syscalls(analyze))))
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    result = subprocess.run(
        [sys.executable, "-c", SANDBOX, libseccomp, str(allowed), str(probe), "ind",
         tessdata],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "probe ok" in result.stdout
