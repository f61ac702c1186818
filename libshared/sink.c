/* sink.c: what the sinks of sg-decode share. */
#include <string.h>

#include "sink.h"

const char *
sg_sink_source_name(const sg_meta *m)
{
	if (!(m->have & SG_META_HAS(SG_META_NAME)) || m->name[0] == '\0' ||
	    strcmp(m->name, "-") == 0)
		return SG_SINK_STDIN_NAME;
	return m->name;
}
