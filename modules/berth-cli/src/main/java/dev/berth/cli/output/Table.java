package dev.berth.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text table printed the way docker and kubectl print theirs (Go's tabwriter with a minimum
 * cell width of 10 and a padding of 3): every column but the last is padded to its widest cell,
 * and no line ends in spaces.
 */
public final class Table {

    /** tabwriter's minwidth in docker's and kubectl's printers: a cell is at least this wide, padding included. */
    static final int MIN_WIDTH = 10;
    /** tabwriter's padding in docker's and kubectl's printers. */
    static final int PADDING = 3;

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    /** A table with these column headers. */
    public static Table of(String... headers) {
        return new Table(Arrays.asList(headers));
    }

    /** A table with these column headers. */
    public static Table of(List<String> headers) {
        return new Table(headers);
    }

    /** Adds a row; {@code null} cells print empty, missing cells too. */
    public Table row(Object... cells) {
        return row(Arrays.asList(cells));
    }

    /** Adds a row; {@code null} cells print empty, missing cells too. */
    public Table row(List<?> cells) {
        List<String> row = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Object cell = i < cells.size() ? cells.get(i) : null;
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(List.copyOf(row));
        return this;
    }

    public List<String> headers() {
        return headers;
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** The header and every row, each line ending with a newline. */
    public String render() {
        int[] widths = widths();
        StringBuilder out = new StringBuilder();
        out.append(line(headers, widths)).append('\n');
        for (List<String> row : rows) {
            out.append(line(row, widths)).append('\n');
        }
        return out.toString();
    }

    /** The rows without the header, each ending with a newline (for watch streams). */
    public String renderRows(int[] widths) {
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            out.append(line(row, widths)).append('\n');
        }
        return out.toString();
    }

    /** The width of each column (padding included), as {@link #render} lays them out. */
    public int[] widths() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = Math.max(MIN_WIDTH, headers.get(i).length() + PADDING);
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length() + PADDING);
            }
        }
        return widths;
    }

    /** One line: every cell but the last padded to its column's width, no trailing spaces. */
    static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                int width = i < widths.length ? widths[i] : cell.length() + PADDING;
                line.append(" ".repeat(Math.max(PADDING, width - cell.length())));
            }
        }
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end);
    }
}
