/* The control plane's single-threaded event loop: fds (epoll) and timers. */
#ifndef IKESH_LIB_EVLOOP_H
#define IKESH_LIB_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*ev_fd_cb)(int fd, uint32_t events, void *arg);
typedef void (*ev_timer_cb)(void *arg);
struct ev_timer;

int ev_init(void);
/* events: EPOLLIN/EPOLLOUT bits. */
int ev_add_fd(int fd, uint32_t events, ev_fd_cb cb, void *arg);
int ev_mod_fd(int fd, uint32_t events);
void ev_del_fd(int fd);
/* One-shot timer after ms milliseconds. */
struct ev_timer *ev_timer_add(uint64_t ms, ev_timer_cb cb, void *arg);
void ev_timer_cancel(struct ev_timer *t);
/* Run until ev_stop(); returns 0. */
int ev_run(void);
void ev_stop(void);
bool ev_running(void);
/* Monotonic milliseconds. */
uint64_t ev_now_ms(void);

#endif
