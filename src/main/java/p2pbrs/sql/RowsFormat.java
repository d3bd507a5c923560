package p2pbrs.sql;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The three ways the {@code sql} command and the reports print rows. */
public enum RowsFormat {
    /** Columns aligned under their header, numbers to the right: for people. */
    TABLE {
        @Override
        public String format(Rows rows) {
            List<String[]> cells = new ArrayList<>();
            cells.add(rows.columns().stream().map(c -> c.toLowerCase(Locale.ROOT)).toArray(String[]::new));
            for (List<Object> row : rows.rows()) {
                cells.add(row.stream().map(v -> v == null ? "NULL" : oneLine(text(v))).toArray(String[]::new));
            }
            int[] widths = new int[rows.columns().size()];
            for (String[] line : cells) {
                for (int i = 0; i < line.length; i++) {
                    widths[i] = Math.max(widths[i], line[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < cells.size(); r++) {
                String[] line = cells.get(r);
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < line.length; i++) {
                    boolean right = r > 0 && rows.rows().get(r - 1).get(i) instanceof Number;
                    String pad = " ".repeat(widths[i] - line[i].length());
                    out.append(i == 0 ? "" : "  ").append(right ? pad + line[i] : line[i] + pad);
                }
                sb.append(out.toString().stripTrailing()).append('\n');
                if (r == 0) {
                    StringBuilder rule = new StringBuilder();
                    for (int i = 0; i < widths.length; i++) {
                        rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
                    }
                    sb.append(rule).append('\n');
                }
            }
            return sb.append('(').append(rows.rows().size()).append(rows.rows().size() == 1 ? " row)" : " rows)")
                    .append('\n').toString();
        }
    },
    /** An array of objects, keys in lower case, times in ISO-8601 UTC: for scripts. */
    JSON {
        @Override
        public String format(Rows rows) {
            StringBuilder sb = new StringBuilder("[");
            for (int r = 0; r < rows.rows().size(); r++) {
                sb.append(r == 0 ? "\n  {" : ",\n  {");
                List<Object> row = rows.rows().get(r);
                for (int i = 0; i < row.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(quote(rows.columns().get(i).toLowerCase(Locale.ROOT)))
                            .append(": ").append(json(row.get(i)));
                }
                sb.append('}');
            }
            return sb.append(rows.rows().isEmpty() ? "]\n" : "\n]\n").toString();
        }
    },
    /** RFC 4180: a header row, CRLF line ends, fields quoted when they must be. */
    CSV {
        @Override
        public String format(Rows rows) {
            StringBuilder sb = new StringBuilder();
            line(sb, rows.columns().stream().map(c -> c.toLowerCase(Locale.ROOT)).toList());
            for (List<Object> row : rows.rows()) {
                line(sb, row.stream().map(v -> v == null ? "" : text(v)).toList());
            }
            return sb.toString();
        }

        private void line(StringBuilder sb, List<String> fields) {
            for (int i = 0; i < fields.size(); i++) {
                String f = fields.get(i);
                boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0
                        || f.indexOf('\r') >= 0;
                sb.append(i == 0 ? "" : ",").append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
            }
            sb.append("\r\n");
        }
    };

    public abstract String format(Rows rows);

    // A line break inside a cell would break the table's rows: shown escaped instead.
    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    /** A value as text: times as ISO-8601 instants in UTC, bytes in hex. */
    static String text(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        } else if (value instanceof ZonedDateTime t) {
            return t.toInstant().toString();
        } else if (value instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        } else if (value instanceof Instant t) {
            return t.toString();
        } else if (value instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        } else if (value instanceof java.math.BigDecimal d) {
            // 0E-9 is how BigDecimal writes a zero with nine decimals: people read 0.000000000.
            return d.toPlainString();
        }
        return String.valueOf(value);
    }

    private static String json(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger) {
            return value.toString();
        } else if (value instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? value.toString() : quote(value.toString());
        }
        return quote(text(value));
    }

    /** A JSON string literal of the text. */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
