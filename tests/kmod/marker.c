/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marker workload of the qemu guest (tests/kmod/guest-init.sh), linked
 * statically. Does a few recognisable things, in this order:
 *   1. listens on 127.0.0.1:MARKER_PORT;
 *   2. creates /tmp/kmod-marker-file and writes "kmod-marker-data" to it;
 *   3. connects to the listener, sends "kmod-marker-payload", accepts and
 *      reads the bytes back;
 *   4. forks and execs itself as `marker exec-child kmod-marker-arg1
 *      kmod-marker-arg2`, waits for it.
 * Prints "marker: ok" and exits 0, or "marker: <step>: <error>" and exits 1.
 *   marker exec-child ...   exits 0 at once (the exec'd child)
 *   invoked under any other name (e.g. installed as /usr/bin/true): exits 0,
 *   a static `true` for the check suite's live tests in the guest.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER_PORT 47123
#define MARKER_FILE "/tmp/kmod-marker-file"

static int fail(const char *step)
{
	printf("marker: %s: %s\n", step, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(MARKER_PORT)};
	char buf[64];
	int one = 1, status;

	if (strcmp(base, "marker") != 0 || (argc > 1 && !strcmp(argv[1], "exec-child")))
		return 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 1) != 0)
		return fail("listen");

	int fd = open(MARKER_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "kmod-marker-data", 16) != 16 || close(fd) != 0)
		return fail("file");

	int sk = socket(AF_INET, SOCK_STREAM, 0);
	if (sk < 0 || connect(sk, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return fail("connect");
	if (send(sk, "kmod-marker-payload", 19, 0) != 19)
		return fail("send");
	int as = accept(ls, NULL, NULL);
	if (as < 0 || recv(as, buf, 19, MSG_WAITALL) != 19 || memcmp(buf, "kmod-marker-payload", 19) != 0)
		return fail("accept/recv");
	close(as);
	close(sk);
	close(ls);

	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return fail("readlink /proc/self/exe");
	self[n] = '\0';
	pid_t child = fork();
	if (child < 0)
		return fail("fork");
	if (child == 0) {
		char *cargv[] = {"marker", "exec-child", "kmod-marker-arg1", "kmod-marker-arg2", NULL};
		char *cenv[] = {"PATH=/usr/bin", NULL};
		execve(self, cargv, cenv);
		_exit(127);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("marker: exec-child: status %d\n", status);
		return 1;
	}
	printf("marker: ok\n");
	return 0;
}
