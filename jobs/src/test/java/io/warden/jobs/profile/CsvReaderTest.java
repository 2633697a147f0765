package io.warden.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    /** Every record, or the error as "line N: message" in its place. */
    private static List<String> readAll(String text) throws Exception {
        List<String> out = new ArrayList<>();
        try (CsvReader csv = new CsvReader(new StringReader(text))) {
            while (true) {
                try {
                    List<String> fields = csv.next();
                    if (fields == null) {
                        return out;
                    }
                    out.add(csv.recordLine() + ": " + fields);
                } catch (CsvReader.CsvException e) {
                    out.add("line " + e.line() + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void shouldReadQuotedFieldsWithCommasDoubledQuotesAndLineBreaks() throws Exception {
        assertThat(readAll("a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",,\"\"\nlast,x,y"))
                .containsExactly(
                        "1: [a, b,c, say \"hi\"]", "2: [two\nlines, , ]", "4: [last, x, y]");
    }

    @Test
    void shouldAcceptCrLfLfAndCrLineBreaksAndKeepSpaces() throws Exception {
        assertThat(readAll("a, b\r\nc,d \ne,f\rg,h\r\n"))
                .containsExactly("1: [a,  b]", "2: [c, d ]", "3: [e, f]", "4: [g, h]");
    }

    @Test
    void shouldCountLinesInsideQuotedFieldsWithCrLf() throws Exception {
        assertThat(readAll("\"x\r\ny\r\nz\",1\r\nnext,2\r\n"))
                .containsExactly("1: [x\r\ny\r\nz, 1]", "4: [next, 2]");
    }

    @Test
    void shouldGiveAnEmptyLineAsOneEmptyField() throws Exception {
        assertThat(readAll("a,b\n\nc,d\n")).containsExactly("1: [a, b]", "2: []", "3: [c, d]");
    }

    @Test
    void shouldRefuseAQuoteInsideAnUnquotedFieldAndGoOnWithTheNextLine() throws Exception {
        assertThat(readAll("a,b\n1,2\"x,3\n4,5\n"))
                .containsExactly(
                        "1: [a, b]",
                        "line 2: a quote inside unquoted field 2 (quote the whole field and double"
                                + " the quote)",
                        "3: [4, 5]");
    }

    @Test
    void shouldRefuseTextAfterAClosingQuote() throws Exception {
        assertThat(readAll("\"a\"b,c\nd,e\n"))
                .containsExactly(
                        "line 1: 'b' after the closing quote of field 1 (expected a comma or the"
                                + " end of the line)",
                        "2: [d, e]");
    }

    @Test
    void shouldRefuseAQuotedFieldStillOpenAtTheEnd() throws Exception {
        assertThat(readAll("a,b\n1,\"open\n2,3\n"))
                .containsExactly(
                        "1: [a, b]", "line 2: quoted field 2 is still open at the end of the file");
    }

    @Test
    void shouldEndWithoutAFinalLineBreak() throws Exception {
        try (CsvReader csv = new CsvReader(new StringReader("a,b"))) {
            assertThat(csv.next()).containsExactly("a", "b");
            assertThat(csv.next()).isNull();
            assertThat(csv.next()).isNull();
        }
    }
}
