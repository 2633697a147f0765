package io.warden.jobs.performance;

import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.SourceRef;
import java.util.Comparator;

/**
 * A validated feedback record as the label join sees it: the row it labels, the class index of its
 * label, and the record itself with where it came from (for a dead letter when no prediction is
 * found for it). A Flink POJO.
 */
public class Label {
    /** The first label by event time, then feedback id: the one that counts when several come. */
    static final Comparator<Label> PRECEDENCE =
            Comparator.<Label>comparingLong(l -> l.eventTime).thenComparing(l -> l.feedbackId);

    /** {@link LabelJoin#key(String, String)} of the row it labels. */
    public String key;

    public String feedbackId;
    public long eventTime;

    /** Index of the label among the model's classes. */
    public int labelClass;

    public FeedbackRecord feedback;
    public SourceRef source;

    public Label() {}
}
