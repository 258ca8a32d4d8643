#!/usr/bin/env bash
# Entrypoint of the postgres stand-in (scripts/e2e/base-images/postgres.Containerfile),
# written for this project to the documented interface of the official image's:
#
#   POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE  superuser password, required on first start
#                                               (unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER[_FILE]   superuser name (default postgres)
#   POSTGRES_DB[_FILE]     database created on first start (default: the user's name)
#   POSTGRES_INITDB_ARGS   extra initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  method of the `host all all all` line (default: the
#                              server's password_encryption, scram-sha-256)
#   PGDATA                 data folder (default /var/lib/postgresql/data), created if missing
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz  run once, after the database is made
#
# Started as root it prepares the folders and re-runs itself as postgres (uid 999)
# with gosu; started as any other user (runAsUser 999, read-only root filesystem) it
# only needs PGDATA, /var/run/postgresql and /tmp to be writable.
set -Eeo pipefail

log() { printf '%s: %s\n' "${0##*/}" "$*"; }

# file_env VAR [DEFAULT]: VAR's value from $VAR, or from the file named by $VAR_FILE.
file_env() {
	local var=$1 file_var="${1}_FILE" value=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$file_var"
		exit 1
	fi
	if [ -n "${!var:-}" ]; then
		value=${!var}
	elif [ -n "${!file_var:-}" ]; then
		value=$(<"${!file_var}")
	fi
	export "$var=$value"
	unset "$file_var"
}

# True when the arguments ask postgres for help or its version (nothing to prepare).
wants_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

setup_env() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	: "${PGDATA:=/var/lib/postgresql/data}"
	export PGDATA
}

# Folders the server writes; as root, also hand them to postgres.
create_directories() {
	mkdir -p "$PGDATA"
	# Not always allowed (a volume owned by someone else); initdb says so if it matters.
	chmod 0700 "$PGDATA" 2>/dev/null || :
	mkdir -p /var/run/postgresql 2>/dev/null || :
	chmod 03775 /var/run/postgresql 2>/dev/null || :
	if [ "$(id -u)" = 0 ]; then
		find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
	fi
}

require_password() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		cat >&2 <<-'EOF'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.
		EOF
		exit 1
	fi
	if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
		log 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the port in without a password' >&2
	fi
}

# initdb wants the current uid in /etc/passwd: fake an entry with nss_wrapper if needed.
fake_passwd_entry() {
	getent passwd "$(id -u)" >/dev/null 2>&1 && return 0
	local lib
	for lib in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
		[ -s "$lib" ] || continue
		NSS_WRAPPER_PASSWD=$(mktemp)
		NSS_WRAPPER_GROUP=$(mktemp)
		printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$PGDATA" >"$NSS_WRAPPER_PASSWD"
		printf 'postgres:x:%s:\n' "$(id -g)" >"$NSS_WRAPPER_GROUP"
		export LD_PRELOAD=$lib NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
		return 0
	done
}

drop_fake_passwd_entry() {
	if [[ ${LD_PRELOAD:-} == */libnss_wrapper.so ]]; then
		rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
		unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
	fi
}

init_cluster() {
	fake_passwd_entry
	# Local (socket) connections are trusted, as initdb sets them up by default; the
	# password file needs a newline even for an empty password.
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
	drop_fake_passwd_entry
}

# Every other host connects with a password (the method the server hashes them with).
allow_hosts() {
	[ "${1:-}" = postgres ] && shift
	local method=$POSTGRES_HOST_AUTH_METHOD
	[ -n "$method" ] || method=$(postgres -C password_encryption "$@")
	printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
}

# A server on the socket only, for the setup steps (not reachable over TCP meanwhile).
temp_server_start() {
	[ "${1:-}" = postgres ] && shift
	local opts
	opts=$(printf '%q ' "$@" -c listen_addresses= -p "${PGPORT:-5432}")
	PGUSER=${PGUSER:-$POSTGRES_USER} pg_ctl -D "$PGDATA" -o "$opts" -w start
}

temp_server_stop() {
	PGUSER=${PGUSER:-$POSTGRES_USER} pg_ctl -D "$PGDATA" -m fast -w stop
}

# psql on the local socket as the superuser (PGHOST and PGHOSTADDR of the caller ignored).
run_sql() {
	PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

create_database() {
	local exists
	# psql does not interpolate variables in --command: the statements go through stdin.
	exists=$(printf '%s\n' "SELECT 1 FROM pg_database WHERE datname = :'db';" |
		run_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only --no-align)
	if [ -z "$exists" ]; then
		printf '%s\n' 'CREATE DATABASE :"db";' | run_sql --dbname postgres --set db="$POSTGRES_DB"
	fi
}

run_init_files() {
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					log "running $f"
					"$f"
				else
					log "sourcing $f"
					# shellcheck source=/dev/null
					. "$f"
				fi
				;;
			*.sql) log "running $f"; run_sql --dbname "$POSTGRES_DB" -f "$f" ;;
			*.sql.gz) log "running $f"; gunzip -c "$f" | run_sql --dbname "$POSTGRES_DB" ;;
			*) log "ignoring $f" ;;
		esac
	done
}

main() {
	# Options alone are options of postgres.
	if [ "${1:0:1}" = - ]; then
		set -- postgres "$@"
	fi

	if [ "$1" = postgres ] && ! wants_help "$@"; then
		setup_env
		create_directories
		if [ "$(id -u)" = 0 ]; then
			exec gosu postgres "${BASH_SOURCE[0]}" "$@"
		fi

		if [ -s "$PGDATA/PG_VERSION" ]; then
			log "PostgreSQL database directory $PGDATA already contains a database; skipping initialization"
		else
			require_password
			# Fail now, not half-way, if the init folder cannot be read.
			ls /docker-entrypoint-initdb.d/ >/dev/null
			init_cluster
			allow_hosts "$@"
			export PGPASSWORD=${PGPASSWORD:-$POSTGRES_PASSWORD}
			temp_server_start "$@"
			create_database
			run_init_files
			temp_server_stop
			unset PGPASSWORD
			log 'PostgreSQL init process complete; ready for start up.'
		fi
	fi

	exec "$@"
}

main "$@"
