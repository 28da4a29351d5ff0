#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: chromium (the real-browser tests),
# LibreOffice Calc (checks that our reports open cleanly), poppler (reads the PDF record), nginx
# and openssl (deploy/nginx.conf is tested in front of the app, with TLS and basic auth), and npm
# (installs axe-core for the accessibility test). Skips what is already there. nginx is only run
# by the tests, from a temporary prefix.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${need[*]} (the browser and spreadsheet tests need them)." >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing ${need[*]} from Debian (needed by the tests)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's nginx package may start a system nginx on port 80; the tests run their own.
if [[ " ${need[*]} " == *" nginx "* ]] && [ -f /run/nginx.pid ]; then $SUDO nginx -s quit || true; fi
