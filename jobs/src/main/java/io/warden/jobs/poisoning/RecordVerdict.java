package io.warden.jobs.poisoning;

/**
 * What the per-record detectors made of one feedback record, for its contributor's flagged-record
 * rate: a record judged (counts once), flagged or not; or a record flagged later by a spectral
 * window (flagged, not judged again). A Flink POJO.
 */
public class RecordVerdict {
    public String modelKey;
    public String modelName;
    public String modelVersion;
    public String contributorId;
    public String feedbackId;
    public long eventTime;

    /** Whether this verdict counts the record (false for a later spectral flag). */
    public boolean judged;

    public boolean flagged;

    public RecordVerdict() {}

    static RecordVerdict of(FeedbackSample s, boolean judged, boolean flagged) {
        RecordVerdict v = new RecordVerdict();
        v.modelKey = s.modelKey;
        v.modelName = s.modelName;
        v.modelVersion = s.modelVersion;
        v.contributorId = s.contributorId;
        v.feedbackId = s.feedbackId;
        v.eventTime = s.eventTime;
        v.judged = judged;
        v.flagged = flagged;
        return v;
    }
}
