#include "lib/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct fdwatch {
	int fd;
	ev_fd_cb cb;
	void *arg;
	struct fdwatch *next;
};

struct ev_timer {
	uint64_t due;
	ev_timer_cb cb;
	void *arg;
	struct ev_timer *next; /* sorted by due */
};

static int epfd = -1;
static struct fdwatch *watches;
static struct ev_timer *timers;
static bool running;

uint64_t ev_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ev_init(void)
{
	if (epfd < 0)
		epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -1 : 0;
}

int ev_add_fd(int fd, uint32_t events, ev_fd_cb cb, void *arg)
{
	if (ev_init() != 0)
		return -1;
	struct fdwatch *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	struct epoll_event ee = { .events = events, .data.ptr = w };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) != 0) {
		free(w);
		return -1;
	}
	w->next = watches;
	watches = w;
	return 0;
}

static struct fdwatch *find_watch(int fd)
{
	for (struct fdwatch *w = watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

int ev_mod_fd(int fd, uint32_t events)
{
	struct fdwatch *w = find_watch(fd);
	if (!w)
		return -1;
	struct epoll_event ee = { .events = events, .data.ptr = w };
	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ee);
}

/* Removed watches are only unlinked after the current epoll batch: a callback
 * may delete another fd whose event is still pending in the batch. */
static struct fdwatch *graveyard;

void ev_del_fd(int fd)
{
	for (struct fdwatch **pp = &watches; *pp; pp = &(*pp)->next) {
		if ((*pp)->fd != fd)
			continue;
		struct fdwatch *w = *pp;
		*pp = w->next;
		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		w->cb = NULL;
		w->next = graveyard;
		graveyard = w;
		return;
	}
}

struct ev_timer *ev_timer_add(uint64_t ms, ev_timer_cb cb, void *arg)
{
	struct ev_timer *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->due = ev_now_ms() + ms;
	t->cb = cb;
	t->arg = arg;
	struct ev_timer **pp = &timers;
	while (*pp && (*pp)->due <= t->due)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	return t;
}

void ev_timer_cancel(struct ev_timer *t)
{
	for (struct ev_timer **pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
}

void ev_stop(void) { running = false; }
bool ev_running(void) { return running; }

static void run_timers(void)
{
	uint64_t now = ev_now_ms();
	while (timers && timers->due <= now) {
		struct ev_timer *t = timers;
		timers = t->next;
		ev_timer_cb cb = t->cb;
		void *arg = t->arg;
		free(t);
		cb(arg);
	}
}

int ev_run(void)
{
	if (ev_init() != 0)
		return -1;
	running = true;
	while (running) {
		int timeout = -1;
		if (timers) {
			uint64_t now = ev_now_ms();
			timeout = timers->due <= now ? 0 : (int)(timers->due - now);
		}
		struct epoll_event evs[32];
		int n = epoll_wait(epfd, evs, 32, timeout);
		if (n < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < n && running; i++) {
			struct fdwatch *w = evs[i].data.ptr;
			if (w->cb)
				w->cb(w->fd, evs[i].events, w->arg);
		}
		while (graveyard) {
			struct fdwatch *w = graveyard;
			graveyard = w->next;
			free(w);
		}
		run_timers();
	}
	return 0;
}
