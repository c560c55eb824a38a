package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void padsEveryColumnButTheLastLikeTabwriter() {
        String out = Table.of("ID", "NAME", "PORTS")
                .row("abcdefabcdef", "whoami", "*:4567->4567/tcp")
                .row("x", "a-much-longer-name", "")
                .render();
        assertThat(out).isEqualTo(
                "ID             NAME                 PORTS\n"
                + "abcdefabcdef   whoami               *:4567->4567/tcp\n"
                + "x              a-much-longer-name\n");
    }

    @Test
    void cellsAreAtLeastTenWideWithPaddingAndLinesHaveNoTrailingSpaces() {
        String out = Table.of("A", "B").row("1", "").render();
        assertThat(out).isEqualTo("A         B\n1\n");
        assertThat(out.lines()).noneMatch(l -> l.endsWith(" "));
    }

    @Test
    void headersWithSpacesStayOneColumn() {
        Table t = Table.of("DESIRED STATE", "CURRENT STATE").row("Running", "Assigned 5 seconds ago");
        assertThat(t.render()).startsWith("DESIRED STATE   CURRENT STATE\nRunning         Assigned");
    }

    @Test
    void watchRowsUseTheWidthsOfTheFirstTable() {
        Table first = Table.of("NAME", "AGE").row("web", "1s");
        int[] widths = first.widths();
        String row = Table.of("NAME", "AGE").row("db", "2s").renderRows(widths);
        assertThat(row).isEqualTo("db        2s\n");
    }

    @Test
    void nullAndMissingCellsPrintEmpty() {
        assertThat(Table.of("A", "B", "C").row("x", null).rows().get(0)).containsExactly("x", "", "");
    }
}
