/* sink.c: what the sinks of sg-decode share. */
#include <string.h>

#include <archive_entry.h>

#include "sink.h"

const char *
sg_sink_source_name(const sg_meta *m)
{
	if (!(m->have & SG_META_HAS(SG_META_NAME)) || m->name[0] == '\0' ||
	    strcmp(m->name, "-") == 0)
		return SG_SINK_STDIN_NAME;
	return m->name;
}

void
sg_sink_entry_mtime(struct archive_entry *ent, int64_t ns)
{
	int64_t sec = ns / 1000000000, nsec = ns % 1000000000;

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	archive_entry_set_mtime(ent, (time_t)sec, (long)nsec);
}
