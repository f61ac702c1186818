/* sink.h: where sg-decode puts the sources it has verified, other than
 * plain bytes on stdout: a tar stream (sink_tar.c), files extracted under
 * a directory (sink_extract.c), one file per chunk (sink_split.c), or one
 * command per chunk (sink_exec.c).
 *
 * sg-decode calls a sink only with frames already verified, in stream
 * order: begin for each BEGIN, data for each DATA (the whole decoded
 * payload; h->context leading bytes of it repeat earlier bytes of the
 * source, and a sink that rebuilds the source skips them), end for each
 * END, and finish once after the last input. PROGRESS and unknown frames
 * never reach a sink. Sources are counted across concatenated streams,
 * so a sink's source number (from 0) never repeats even where the
 * frames' own source index starts again at 0.
 *
 * Every callback returns 0 or a negative SG_E* code with e set, which
 * stops the run. begin may instead return SG_SINK_REFUSED with e naming
 * the source and the reason: the caller reports it and carries on, the
 * sink drops that source's data and END, and the run's exit status is 65.
 */
#ifndef SG_SINK_H
#define SG_SINK_H

#include <stdint.h>

#include "err.h"
#include "frame.h"
#include "meta.h"

#define SG_SINK_REFUSED 1

/* The name a source read from stdin ("-" in BEGIN) gets in a tar stream,
 * under an extract directory, and in split's and exec's %n/SG_NAME. */
#define SG_SINK_STDIN_NAME "stdin"

typedef struct sg_sink sg_sink;

typedef struct sg_sink_ops {
	int (*begin)(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e);
	int (*data)(sg_sink *s, const sg_frame_hdr *h, const unsigned char *payload,
		    sg_err *e);
	int (*end)(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e);
	/* All input is done (also after an error: finish what can be). */
	int (*finish)(sg_sink *s, sg_err *e);
	void (*free)(sg_sink *s);
} sg_sink_ops;

/* Every sink starts with this; its own state follows. */
struct sg_sink {
	const sg_sink_ops *ops;
};

/* The name a sink gives a source: BEGIN's name, SG_SINK_STDIN_NAME for
 * "-" or a source without a name. Points into m or at a constant. */
const char *sg_sink_source_name(const sg_meta *m);

/* Set a libarchive entry's mtime from BEGIN's nanoseconds, also before
 * 1970 (seconds round down, so nanoseconds stay 0..999999999). */
struct archive_entry;
void sg_sink_entry_mtime(struct archive_entry *ent, int64_t ns);

/* Constructors; NULL with e set on failure. */

/* A POSIX pax tar on fd: one regular-file entry per source, with BEGIN's
 * name, mtime and mode (0644 when BEGIN has none). A source whose size
 * BEGIN does not give (stdin, compressed input, a --part stream) is
 * spooled to an unlinked temporary file in $TMPDIR (or /tmp) first,
 * because a tar header states the size before the data. */
sg_sink *sg_sink_tar_new(int fd, sg_err *e);

/* Each source as a file under dir, through libarchive's disk writer with
 * every secure flag: absolute names, ".." components and paths through a
 * symbolic link are refused (SG_SINK_REFUSED), nothing is written outside
 * dir. dir is created when missing. */
sg_sink *sg_sink_extract_new(const char *dir, sg_err *e);

/* Each DATA chunk (whole payload, context included) as its own file under
 * dir, named by template (NULL: the default, SG_SPLIT_TEMPLATE_DEFAULT),
 * written to a hidden temporary name and renamed when complete; then its
 * path (dir/name) and the separator sep ('\n' or '\0') are written to
 * out_fd. Template directives: %n source name (each '/' as '_'), %i
 * source number, %q sequence number (from 1), %o source offset of the
 * first new byte, %% a '%'; the numbers take a zero-padded width (%06i).
 * A template with '/' or none of %i %n %q %o is refused (SG_EUSAGE). */
#define SG_SPLIT_TEMPLATE_DEFAULT "%06i-%010q"
sg_sink *sg_sink_split_new(const char *dir, const char *template, int out_fd, int sep,
			   sg_err *e);

/* Runs `sh -c cmd` once per DATA chunk, one at a time, with the whole
 * payload (context included) on its stdin and, in its environment,
 * SG_SOURCE (source number), SG_NAME, SG_SEQ, SG_OFFSET, SG_SIZE and
 * SG_CONTEXT (leading bytes that repeat earlier ones). A command that
 * does not read all its input is not an error (as with split --filter).
 * A command that fails stops the run with SG_ECHILD and e naming the
 * chunk; sg_sink_exec_status() then gives the exit status to pass on
 * (128 + N for a command killed by signal N). */
sg_sink *sg_sink_exec_new(const char *cmd, sg_err *e);
int sg_sink_exec_status(const sg_sink *s);

#endif
