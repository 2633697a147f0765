package io.warden.detectors.query;

/** Feature vectors arrive in single or double precision; the detectors compute on doubles. */
final class Features {

    private Features() {}

    /** The same values in double precision, exactly. */
    static double[] widened(float[] features) {
        double[] widened = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            widened[i] = features[i];
        }
        return widened;
    }
}
