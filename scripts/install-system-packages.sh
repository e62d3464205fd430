#!/usr/bin/env bash
# Installs the Debian packages aduan and its test suite need, when they are missing.
# As root it uses apt-get; otherwise it says what to install and stops.
set -euo pipefail

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/ind.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/ind.traineddata ] || need+=(tesseract-ocr-ind)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The PostgreSQL tests run their own server (initdb in a temp dir), never the system's.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
# The synthetic slips of the OCR tests are drawn in DejaVu fonts.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# The handwriting tests and bench fill slips in handwriting-style faces (tests/slipgen.py).
for pair in fonts-dkg-handwriting:truetype/fifthhorseman/dkg.ttf fonts-breip:truetype/breip/Breip.ttf \
    fonts-femkeklaver:truetype/femkeklaver/femkeklaver.ttf fonts-humor-sans:truetype/humor-sans/Humor-Sans.ttf \
    fonts-bwht:opentype/bwht/BecauseWeLearn-Regular.otf fonts-comic-neue:opentype/comic-neue/ComicNeue-Regular.otf \
    fonts-rufscript:truetype/rufscript/Rufscript010.ttf fonts-dancingscript:opentype/dancingscript/DancingScript-Regular.otf \
    fonts-kristi:truetype/kristi/Kristi.ttf; do
    [ -e "/usr/share/fonts/${pair#*:}" ] || need+=("${pair%%:*}")
done
# WeasyPrint draws the PDF reports with Pango.
compgen -G '/usr/lib/*/libpangoft2-1.0.so.0' >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
compgen -G '/usr/lib/*/libharfbuzz-subset.so.0' >/dev/null || need+=(libharfbuzz-subset0)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
# The suite checks systemd/aduan.service offline with systemd-analyze and systemd-sysusers;
# slim container images ship without systemd.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# The web console's browser tests drive Debian's chromium with Playwright (pip), never a
# browser Playwright would download.
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "aduan needs these Debian packages: ${need[*]}" >&2
    echo "install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
