/* field_flags: the bit flags of a field in the catalogue (compiler/fields.def):
 * value shape, argument form, where Falco allows the field, and which events
 * can provide its value. Values fit in 32 bits; a field's flags are an OR. */
#pragma once

enum field_flag {
	FF_NONE = 0,

	/* value shape */
	FF_LIST = 1u << 0,		/* list-valued: `in`/`intersects` compare sets (EPF_IS_LIST) */

	/* argument form: `f[arg]`, or `f.arg` when FF_ARG_DOT is set */
	FF_ARG_REQUIRED = 1u << 1,	/* an argument must be given */
	FF_ARG_OPTIONAL = 1u << 2,	/* an argument may be given */
	FF_ARG_INDEX = 1u << 3,		/* the argument may be a number: `proc.aname[2]` */
	FF_ARG_NAME = 1u << 4,		/* the argument may be a name/key/path: `proc.env[HOME]` */
	FF_ARG_DOT = 1u << 5,		/* the argument may follow a dot: `evt.arg.flags` */

	/* where Falco allows the field */
	FF_FILTER_ONLY = 1u << 6,	/* conditions only, not outputs (EPF_FILTER_ONLY) */
	FF_OUTPUT_ONLY = 1u << 7,	/* outputs only, not conditions (EPF_PRINT_ONLY) */
	FF_NO_TRANSFORMER = 1u << 8,	/* no tolower()/b64()/... around it (EPF_NO_TRANSFORMER) */
	FF_NO_RHS = 1u << 9,		/* not on either side of a field-to-field comparison (EPF_NO_RHS) */
	FF_DEPRECATED = 1u << 10,	/* accepted, but Falco marks it deprecated */
	FF_INFO = 1u << 11,		/* summary information about the event (EPF_INFO) */
	FF_HIDDEN = 1u << 12,		/* accepted but left out of field listings (EPF_TABLE_ONLY) */

	/* semantics */
	/* rendering (Falco's print format; decimal when neither is set) */
	FF_PF_HEX = 1u << 14,		/* numbers in upper-case hex, a string in JSON (PF_HEX) */
	FF_PF_PAD9 = 1u << 15,		/* numbers zero-padded to 9 digits, a string in JSON
					 * (PF_10_PADDED_DEC) */
	FF_JSON_TS = 1u << 22,		/* JSON gives the event's timestamp, in ns (evt.time...) */
	FF_JSON_NUM = 1u << 23,		/* JSON gives the number whatever the print format */
	FF_SUGGESTED = 1u << 26,	/* a plugin suggests it for outputs (addOutput):
					 * append_output's suggested_output adds it */
	FF_DOMAIN = 1u << 25,		/* a domain name (fd.*ip.name): compared by what the
					 * compared names resolve to (compiler/irop_rt.h) */

	FF_ALL_SOURCES = 1u << 24,	/* also in rules of plugin event sources (Falco's generic
					 * event fields: evt.num, evt.time, evt.source, ...) */

	FF_ANCESTORS = 1u << 13,	/* without an argument, a comparison holds when it holds for
					 * any ancestor (proc.aname, proc.apid, ...) */

	/* provider class: which events can give the field a value (exactly one is set) */
	FF_EV_ANY = 1u << 16,		/* every event: time, type, cpu, host, event-table metadata */
	FF_EV_PARAM = 1u << 17,		/* read from the event's own parameters: only events that
					 * carry them (evt.arg, evt.res, evt.buffer, fs.path.*) */
	FF_EV_FD = 1u << 18,		/* events that carry or create an fd, through the fd table */
	FF_EV_PROC = 1u << 19,		/* any event with a thread, through the thread table */
	FF_EV_EXEC = 1u << 20,		/* thread-table data recorded only by execve-family exits
					 * (and the initial /proc scan), inherited by later events */
	FF_EV_PLUGIN = 1u << 21,	/* metadata plugins (container, k8s) and plugin events */
	FF_EV_MASK = FF_EV_ANY | FF_EV_PARAM | FF_EV_FD | FF_EV_PROC | FF_EV_EXEC | FF_EV_PLUGIN,
};
