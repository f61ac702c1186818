# bench/gen_ndjson.sh: the NDJSON generator shared by bench/strategies.sh and
# bench/archive.sh (sourced; defines gen_ndjson BYTES, writing at least BYTES
# of whole NDJSON records to stdout, deterministically).
# shellcheck shell=bash

# NDJSON: order/review/user events with nested objects and arrays, strings
# with JSON escapes (\" \\ \n \t \/ \u00e9, surrogate pairs) and raw UTF-8
# (Latin, Greek, Cyrillic, CJK, Hangul, emoji), integers, decimals, exponents,
# true/false/null; 15% short "session.ping" events. Lines of 130-1050 bytes.
gen_ndjson() {
	awk -v bytes="$1" '
	function ts() {
		return sprintf("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1 + int(rand() * 12),
		    1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60),
		    int(rand() * 1000))
	}
	function pick(a, n) { return a[1 + int(rand() * n)] }
	BEGIN {
		srand(11)
		nfn = split("Ana José Zoë Björn Chloé François Jürgen Łukasz Søren Ömer Aiko Ελένη Дмитрий 小明 민준 Priya Nguyễn Olúwaseun Siobhán Tom", fn, " ")
		nln = split("García Müller O\047Brien Dvořák Nakamura Kowalski Петров Παπαδόπουλος 王 김 Sharma Trần Adeyemi Ó_Súilleabháin Smith", ln, " ")
		ncity = split("Zürich|São Paulo|München|Kraków|Reykjavík|Tōkyō|Москва|Αθήνα|서울|北京|Montréal|İstanbul|New York|Lagos|Hà Nội", city, "|")
		ntype = split("order.created order.paid order.shipped review.posted user.updated cart.abandoned", type, " ")
		ntag = split("vip beta new churn-risk b2b mobile eu apac", tag, " ")
		ncur = split("EUR USD GBP JPY CHF BRL", cur, " ")
		nw = split("the a quick brown fox parcel arrived late again and box was damaged but support helped très bien naïve café über señor 日本語 テスト 😀 👍 ok thanks order delivery price refund", word, " ")
		nesc = split("\\\"quoted\\\"|C:\\\\Users\\\\shop|line one\\nline two|col\\tcol|caf\\u00e9|\\ud83d\\ude00|\\u65e5\\u672c|<\\/b>|50% off|naïve “smart” quotes|emoji 🎉 party|ß≠ss", esc, "|")
		hex = "0123456789abcdef"
		while (n < bytes) {
			id++
			if (rand() < 0.15) {
				line = sprintf("{\"id\":%d,\"ts\":\"%s\",\"type\":\"session.ping\",\"user\":{\"id\":%d},\"latency_ms\":%.1f,\"region\":\"%s\",\"ok\":%s}",
				    id, ts(), int(rand() * 1e7), rand() * 300, pick(city, ncity),
				    rand() < 0.95 ? "true" : "false")
				print line
				n += length(line) + 1
				continue
			}
			line = sprintf("{\"id\":%d,\"ts\":\"%s\",\"type\":\"%s\",\"user\":{\"id\":%d,\"name\":\"%s %s\",\"email\":\"user%d@example.com\",\"verified\":%s",
			    id, ts(), pick(type, ntype), int(rand() * 1e7), pick(fn, nfn), pick(ln, nln),
			    int(rand() * 1e6), rand() < 0.7 ? "true" : "false")
			if (rand() < 0.6) {
				a = "\"" pick(tag, ntag) "\""
				for (i = int(rand() * 3); i > 0; i--) a = a ",\"" pick(tag, ntag) "\""
				line = line ",\"tags\":[" a "]"
			} else
				line = line ",\"tags\":[]"
			line = line sprintf(",\"address\":{\"city\":\"%s\",\"zip\":\"%05d\",\"geo\":[%.4f,%.4f]}}",
			    pick(city, ncity), int(rand() * 99999), rand() * 180 - 90, rand() * 360 - 180)
			items = ""; total = 0
			for (k = int(rand() * 5); k > 0; k--) {
				p = int(rand() * 20000) / 100; q = 1 + int(rand() * 4); total += p * q
				ti = pick(word, nw)
				for (i = int(rand() * 5); i > 0; i--) ti = ti " " pick(word, nw)
				if (rand() < 0.2) ti = ti " " pick(esc, nesc)
				items = items (items == "" ? "" : ",") sprintf("{\"sku\":\"SKU-%s%s%s%s-%d\",\"title\":\"%s\",\"qty\":%d,\"price\":%.2f,\"discount\":%s}",
				    substr(hex, 1 + int(rand() * 16), 1), substr(hex, 1 + int(rand() * 16), 1),
				    substr(hex, 1 + int(rand() * 16), 1), substr(hex, 1 + int(rand() * 16), 1),
				    int(rand() * 1000), ti, q, p, rand() < 0.7 ? "null" : sprintf("%.2f", -rand() * 10))
			}
			line = line ",\"items\":[" items "]" sprintf(",\"total\":%.2f,\"currency\":\"%s\"", total, pick(cur, ncur))
			if (rand() < 0.6) {
				m = pick(word, nw)
				for (i = int(rand() * 25); i > 0; i--)
					m = m " " (rand() < 0.15 ? pick(esc, nesc) : pick(word, nw))
				line = line ",\"note\":\"" m "\""
			} else
				line = line ",\"note\":null"
			line = line sprintf(",\"meta\":{\"source\":\"%s\",\"ab\":{\"bucket\":%d,\"weight\":%.3e},\"retries\":%d,\"flags\":[%s,%s,null]},\"ok\":%s}",
			    rand() < 0.5 ? "web" : "ios", int(rand() * 8), rand() * 2 - 1, int(rand() * 3),
			    rand() < 0.5 ? "true" : "false", rand() < 0.5 ? "true" : "false",
			    rand() < 0.9 ? "true" : "false")
			print line
			n += length(line) + 1
		}
	}'
}
