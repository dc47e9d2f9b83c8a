#!/usr/bin/env bash
# Print who sends the series, as "Name <email>": MAIL_NAME and MAIL_EMAIL
# when both are set, else this repository's git config user.name and
# user.email. Refuses, in one line, when neither gives a name and an
# address, or when they are the placeholder the patches/ files carry.
# Usage: mail-sender.sh
set -uo pipefail

placeholder='mremap-series@example.org'
name=${MAIL_NAME:-}
email=${MAIL_EMAIL:-}
if [ -z "$name" ] || [ -z "$email" ]; then
	name=$(git -C "$(dirname "$0")" config user.name 2>/dev/null || true)
	email=$(git -C "$(dirname "$0")" config user.email 2>/dev/null || true)
fi
if [ -z "$name" ] || [ -z "$email" ]; then
	echo "mail: no sender: set git config user.name and user.email, or MAIL_NAME and MAIL_EMAIL" >&2
	exit 1
fi
case $email in
*@*.*) ;;
*) echo "mail: sender address '$email' is not an e-mail address" >&2; exit 1 ;;
esac
[ "$email" != "$placeholder" ] ||
	{ echo "mail: $placeholder is the placeholder of patches/, not a sender" >&2; exit 1; }
echo "$name <$email>"
