#!/bin/sh
# Installs warroom from its release archives, with no Rust toolchain:
#
#   curl -fsSL <release page>/latest/download/install.sh | sh
#   sh install.sh [--version 0.1.0] [--prefix ~/.local] [--base-url URL]
#
# It detects the OS and architecture, downloads warroom-<target>.tar.gz and SHA256SUMS for the version (the
# newest when none is given), checks the archive's SHA-256 against SHA256SUMS, and installs the binary into
# PREFIX/bin (default ~/.local/bin), the man page into PREFIX/share/man/man1, the bash, zsh and fish completions
# where each shell looks under PREFIX/share, and the keymaps into PREFIX/share/warroom/keymaps. A checksum that
# does not match installs nothing. Archives are fetched from BASE/download/v<version>/ (BASE/latest/download/ for
# the newest), BASE being --base-url, else WARROOM_BASE_URL, else the project's release page.
set -eu

base="${WARROOM_BASE_URL:-https://github.com/warroom-dev/warroom/releases}"
version=""
prefix="${HOME:-}/.local"

say() { echo "install.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || fail "--version needs a version, e.g. --version 0.1.0"; version="${2#v}"; shift 2 ;;
        --prefix) [ $# -ge 2 ] || fail "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --base-url) [ $# -ge 2 ] || fail "--base-url needs a URL"; base="$2"; shift 2 ;;
        -h|--help)
            if [ -f "$0" ]; then
                sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
            else
                echo "usage: install.sh [--version 0.1.0] [--prefix ~/.local] [--base-url URL]"
            fi
            exit 0 ;;
        *) fail "unknown argument '$1' (expected --version, --prefix or --base-url)" ;;
    esac
done
[ -n "$prefix" ] && [ "$prefix" != "/.local" ] || fail "no HOME to install under: give --prefix DIR"

os=$(uname -s)
[ "$os" = Linux ] || fail "no release archive for $os: build from source with 'cargo install --locked --path .' (see the README)"
case "$(uname -m)" in
    x86_64|amd64) target=x86_64-unknown-linux-gnu ;;
    aarch64|arm64) target=aarch64-unknown-linux-gnu ;;
    *) fail "no release archive for $(uname -m): build from source with 'cargo install --locked --path .' (see the README)" ;;
esac

if command -v curl >/dev/null 2>&1; then
    fetch() { curl -fsSL --proto '=http,https' -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
    fetch() { wget -q -O "$2" "$1"; }
else
    fail "needs curl or wget to download"
fi
if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
    fail "needs sha256sum or shasum to check the download"
fi

if [ -n "$version" ]; then
    from="$base/download/v$version"
else
    from="$base/latest/download"
fi
archive="warroom-$target.tar.gz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

say "downloading $from/$archive"
fetch "$from/$archive" "$tmp/$archive" || fail "could not download $from/$archive"
fetch "$from/SHA256SUMS" "$tmp/SHA256SUMS" || fail "could not download $from/SHA256SUMS"
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS at $from lists no $archive: nothing installed"
actual=$(sha256 "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $archive: SHA256SUMS says $expected, the download is $actual; nothing installed (a truncated or altered download: try again, or check the release page)"
fi

tar -xzf "$tmp/$archive" -C "$tmp"
dir=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'warroom-*' | head -n 1)
[ -n "$dir" ] && [ -f "$dir/warroom" ] || fail "$archive holds no warroom binary: nothing installed"

share="$prefix/share"
mkdir -p "$prefix/bin" "$share/man/man1" "$share/bash-completion/completions" "$share/zsh/site-functions" \
    "$share/fish/vendor_completions.d" "$share/warroom"
# Through a temporary name, so a running warroom is not overwritten in place.
cp "$dir/warroom" "$prefix/bin/.warroom.new"
chmod 0755 "$prefix/bin/.warroom.new"
mv -f "$prefix/bin/.warroom.new" "$prefix/bin/warroom"
cp "$dir"/man/*.1 "$share/man/man1/"
cp "$dir/completions/warroom.bash" "$share/bash-completion/completions/warroom"
cp "$dir/completions/_warroom" "$share/zsh/site-functions/_warroom"
cp "$dir/completions/warroom.fish" "$share/fish/vendor_completions.d/warroom.fish"
rm -rf "$share/warroom/keymaps"
cp -R "$dir/keymaps" "$share/warroom/keymaps"

installed=$("$prefix/bin/warroom" --version) || fail "$prefix/bin/warroom does not run here: $(uname -a)"
say "installed $installed into $prefix/bin"
case ":${PATH:-}:" in
    *":$prefix/bin:"*) next="warroom doctor" ;;
    *) say "$prefix/bin is not on your PATH: add it (export PATH=\"$prefix/bin:\$PATH\") or run it by its path"
       next="$prefix/bin/warroom doctor" ;;
esac
say "next: $next        (checks credentials, permissions and the terminal before an incident)"
