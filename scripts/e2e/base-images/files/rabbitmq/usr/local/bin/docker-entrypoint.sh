#!/usr/bin/env bash
# Entrypoint of the rabbitmq stand-in (scripts/e2e/base-images/rabbitmq.Containerfile),
# written for this project to behave like the official image's: started as root, a
# rabbitmq* command gets /var/lib/rabbitmq handed to rabbitmq and runs as rabbitmq (uid
# 999) through gosu; any other uid runs it directly. Settings the official image
# dropped in 3.9 are refused the same way. RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS
# and RABBITMQ_DEFAULT_VHOST are read by RabbitMQ itself on first start.
set -euo pipefail

if [[ $1 == rabbitmq* ]] && [ "$(id -u)" = 0 ]; then
	if [ "$1" = rabbitmq-server ]; then
		find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq '{}' +
	fi
	exec gosu rabbitmq "${BASH_SOURCE[0]}" "$@"
fi

deprecated=(
	RABBITMQ_DEFAULT_PASS_FILE RABBITMQ_DEFAULT_USER_FILE
	RABBITMQ_MANAGEMENT_SSL_CACERTFILE RABBITMQ_MANAGEMENT_SSL_CERTFILE RABBITMQ_MANAGEMENT_SSL_DEPTH
	RABBITMQ_MANAGEMENT_SSL_FAIL_IF_NO_PEER_CERT RABBITMQ_MANAGEMENT_SSL_KEYFILE RABBITMQ_MANAGEMENT_SSL_VERIFY
	RABBITMQ_SSL_CACERTFILE RABBITMQ_SSL_CERTFILE RABBITMQ_SSL_DEPTH RABBITMQ_SSL_FAIL_IF_NO_PEER_CERT
	RABBITMQ_SSL_KEYFILE RABBITMQ_SSL_VERIFY RABBITMQ_VM_MEMORY_HIGH_WATERMARK
)
found=
for name in "${deprecated[@]}"; do
	if [ -n "${!name:-}" ]; then
		echo >&2 "error: $name is set but deprecated"
		found=1
	fi
done
if [ -n "$found" ]; then
	echo >&2 'error: deprecated environment variables detected'
	echo >&2 'Please use a configuration file instead; visit https://www.rabbitmq.com/configure.html to learn more'
	exit 1
fi

# A fully qualified hostname (Kubernetes pods behind a headless Service) needs long node names.
if [ -z "${RABBITMQ_USE_LONGNAME:-}" ] && [ "$(hostname)" != "$(hostname -s)" ]; then
	export RABBITMQ_USE_LONGNAME=true
fi

exec "$@"
