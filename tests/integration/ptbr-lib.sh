# SPDX-License-Identifier: BSD-3-Clause
# ptbr-lib.sh: the pt_BR checks of the error tests: a command run in Brazilian Portuguese with this tree's catalogue.
# Sourced by sh or bash.  ptbr_setup DIR compiles po/pt_BR.po under DIR and sets PTBR=yes when
# pt_BR can be checked here (msgfmt and the pt_BR.UTF-8 locale present; under CI=true their
# absence is a failure); then `ptbr CMD...` runs CMD (a program, not a shell function) in pt_BR.

ptbr_setup() {
	PTBR=no
	ptbr_top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
	if ! command -v msgfmt >/dev/null || ! locale -a 2>/dev/null | grep -qiE '^pt_BR\.utf-?8$'; then
		if [ "${CI:-}" = true ]; then
			echo "FAIL: msgfmt or the pt_BR.UTF-8 locale is missing (.ci/deps installs them)"
			exit 1
		fi
		echo "skip: the pt_BR checks (msgfmt or the pt_BR.UTF-8 locale is missing)"
		return 0
	fi
	mkdir -p "$1/locale/pt_BR/LC_MESSAGES"
	msgfmt -o "$1/locale/pt_BR/LC_MESSAGES/layerscope.mo" "$ptbr_top/po/pt_BR.po" || exit 99
	chmod -R a+rX "$1/locale" # a command that drops to nobody reads it after the drop
	PTBR_LOCALEDIR=$1/locale
	PTBR=yes
}

ptbr() {
	env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$@"
}
