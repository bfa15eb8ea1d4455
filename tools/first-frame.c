/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Launches a GTK program and times, from outside and the same way for any program, how long
 * it takes until its first frame is on the X screen; optionally reports its resident memory
 * afterwards. Built and run by tools/measure-startup.
 *
 * Method: the X server must have a black root window (Xvfb -br). The clock starts just before
 * fork + exec. Every ~0.5 ms the root window's children are listed; the first new top-level
 * window that is viewable and at least 100×100 is sampled at a 5×5 grid of pixels with
 * XGetImage. A mapped window that GTK has not painted yet reads black everywhere; the first
 * frame is the first sample in which any grid pixel is not black (a GTK window's background,
 * light or dark, never is). The polling adds well under a millisecond of error.
 *
 * Usage: first-frame [--timeout S] [--wait-stderr TEXT] [--settle S] [--rss] -- COMMAND [ARG…]
 *   --wait-stderr TEXT  after the first frame, wait until the program writes a line
 *                       containing TEXT on stderr (e.g. "all pages visited")
 *   --settle S          then wait S seconds more (default 0)
 *   --rss               then print the program's VmRSS from /proc/PID/status
 * Prints "first_frame_seconds T", "cpu_seconds C" (user + system CPU time the program had
 * used at its first frame, in clock ticks: 10 ms steps) and, with --rss, "rss_kib N"; then
 * terminates the program.
 * Exit status 0, or 1 when the window never appeared or TEXT never came within the timeout. */
#define _GNU_SOURCE
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KNOWN 256
#define GRID 5

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
ignore_x_error (Display     *display,
                XErrorEvent *event)
{
  /* A window may vanish between XQueryTree and XGetImage; that is not an error here. */
  (void) display;
  (void) event;
  return 0;
}

static bool
window_painted (Display *display,
                Window   window)
{
  XWindowAttributes attrs;
  int i, j;

  if (!XGetWindowAttributes (display, window, &attrs)
      || attrs.map_state != IsViewable || attrs.width < 100 || attrs.height < 100)
    return false;
  for (i = 0; i < GRID; i++)
    for (j = 0; j < GRID; j++)
      {
        int x = attrs.width * (2 * i + 1) / (2 * GRID);
        int y = attrs.height * (2 * j + 1) / (2 * GRID);
        XImage *image = XGetImage (display, window, x, y, 1, 1, AllPlanes, ZPixmap);
        unsigned long pixel;

        if (image == NULL)
          return false;
        pixel = XGetPixel (image, 0, 0);
        XDestroyImage (image);
        if ((pixel & 0xffffff) != 0)
          return true;
      }
  return false;
}

static bool
is_known (const Window *known,
          unsigned      n_known,
          Window        window)
{
  unsigned i;

  for (i = 0; i < n_known; i++)
    if (known[i] == window)
      return true;
  return false;
}

static long
read_rss_kib (pid_t pid)
{
  char path[64], line[256];
  long kib = -1;
  FILE *file;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (sscanf (line, "VmRSS: %ld kB", &kib) == 1)
      break;
  fclose (file);
  return kib;
}

/* User + system CPU time the process has used so far (clock ticks of /proc/PID/stat). */
static double
read_cpu_seconds (pid_t pid)
{
  char path[64], buffer[1024], *p;
  unsigned long utime = 0, stime = 0;
  FILE *file;
  size_t n;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1.0;
  n = fread (buffer, 1, sizeof buffer - 1, file);
  fclose (file);
  buffer[n] = '\0';
  /* Fields after the command name, which is in parentheses and may hold spaces. */
  p = strrchr (buffer, ')');
  if (p == NULL || sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                           &utime, &stime) != 2)
    return -1.0;
  return (double) (utime + stime) / (double) sysconf (_SC_CLK_TCK);
}

/* Appends what the child wrote on stderr so far; returns whether text has appeared. */
static bool
drain_stderr (int         fd,
              char       *buffer,
              size_t      size,
              size_t     *used,
              const char *text)
{
  ssize_t n;

  while (*used + 1 < size && (n = read (fd, buffer + *used, size - 1 - *used)) > 0)
    *used += (size_t) n;
  buffer[*used] = '\0';
  /* Keep the tail when full: the marker comes last. */
  if (*used + 1 >= size)
    {
      memmove (buffer, buffer + size / 2, *used - size / 2 + 1);
      *used -= size / 2;
    }
  return text != NULL && strstr (buffer, text) != NULL;
}

static void
stop_child (pid_t pid)
{
  int status;
  int i;

  if (kill (pid, SIGTERM) != 0)
    return;   /* already gone (and reaped) */
  for (i = 0; i < 200; i++)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      usleep (10000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

int
main (int   argc,
      char *argv[])
{
  double timeout = 20.0, settle = 0.0, started, first_frame = -1.0;
  const char *wait_text = NULL;
  bool want_rss = false;
  Window known[MAX_KNOWN], root, parent, *children;
  unsigned n_known = 0, n_children, i;
  static char err_buffer[65536];
  size_t err_used = 0;
  int err_pipe[2], argi = 1;
  Display *display;
  pid_t pid;

  for (; argi < argc && strcmp (argv[argi], "--") != 0; argi++)
    {
      if (strcmp (argv[argi], "--timeout") == 0 && argi + 1 < argc)
        timeout = atof (argv[++argi]);
      else if (strcmp (argv[argi], "--settle") == 0 && argi + 1 < argc)
        settle = atof (argv[++argi]);
      else if (strcmp (argv[argi], "--wait-stderr") == 0 && argi + 1 < argc)
        wait_text = argv[++argi];
      else if (strcmp (argv[argi], "--rss") == 0)
        want_rss = true;
      else
        {
          fprintf (stderr, "first-frame: unknown option '%s'\n", argv[argi]);
          return 2;
        }
    }
  if (argi + 1 >= argc)
    {
      fprintf (stderr, "usage: first-frame [--timeout S] [--wait-stderr TEXT] [--settle S] [--rss] -- COMMAND [ARG…]\n");
      return 2;
    }

  /* A server busy with the previous run's client going away may refuse for a moment. */
  for (i = 0; i < 40 && (display = XOpenDisplay (NULL)) == NULL; i++)
    usleep (50000);
  if (display == NULL)
    {
      fprintf (stderr, "first-frame: cannot open the X display (run under Xvfb -br)\n");
      return 1;
    }
  XSetErrorHandler (ignore_x_error);
  if (XQueryTree (display, DefaultRootWindow (display), &root, &parent, &children, &n_children))
    {
      for (i = 0; i < n_children && n_known < MAX_KNOWN; i++)
        known[n_known++] = children[i];
      if (children != NULL)
        XFree (children);
    }

  if (pipe2 (err_pipe, O_CLOEXEC) != 0)
    return 1;
  started = now_seconds ();
  pid = fork ();
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_WRONLY);

      dup2 (devnull, STDOUT_FILENO);
      dup2 (err_pipe[1], STDERR_FILENO);
      execvp (argv[argi + 1], argv + argi + 1);
      _exit (127);
    }
  close (err_pipe[1]);
  fcntl (err_pipe[0], F_SETFL, O_NONBLOCK);

  while (first_frame < 0.0 && now_seconds () - started < timeout)
    {
      if (waitpid (pid, NULL, WNOHANG) == pid)
        {
          drain_stderr (err_pipe[0], err_buffer, sizeof err_buffer, &err_used, NULL);
          fprintf (stderr, "first-frame: %s exited before its first frame:\n%s\n", argv[argi + 1], err_buffer);
          return 1;
        }
      if (XQueryTree (display, DefaultRootWindow (display), &root, &parent, &children, &n_children))
        {
          for (i = 0; i < n_children && first_frame < 0.0; i++)
            if (!is_known (known, n_known, children[i]) && window_painted (display, children[i]))
              first_frame = now_seconds () - started;
          if (children != NULL)
            XFree (children);
        }
      drain_stderr (err_pipe[0], err_buffer, sizeof err_buffer, &err_used, NULL);
      if (first_frame < 0.0)
        usleep (500);
    }
  if (first_frame < 0.0)
    {
      fprintf (stderr, "first-frame: no window painted within %g s\n", timeout);
      stop_child (pid);
      return 1;
    }
  printf ("first_frame_seconds %.6f\n", first_frame);
  printf ("cpu_seconds %.2f\n", read_cpu_seconds (pid));
  fflush (stdout);

  if (wait_text != NULL)
    {
      while (!drain_stderr (err_pipe[0], err_buffer, sizeof err_buffer, &err_used, wait_text))
        {
          struct pollfd pfd = { err_pipe[0], POLLIN, 0 };

          if (now_seconds () - started > timeout || waitpid (pid, NULL, WNOHANG) == pid)
            {
              fprintf (stderr, "first-frame: \"%s\" never came on stderr; it said:\n%s\n", wait_text, err_buffer);
              stop_child (pid);
              return 1;
            }
          poll (&pfd, 1, 50);
        }
    }
  if (settle > 0.0)
    usleep ((useconds_t) (settle * 1e6));
  if (want_rss)
    printf ("rss_kib %ld\n", read_rss_kib (pid));
  stop_child (pid);
  XCloseDisplay (display);
  return 0;
}
