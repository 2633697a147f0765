package io.warden.simulator.traffic;

/** Small helpers of the traffic generator. */
final class Traffic {

    private Traffic() {}

    /** The index of the largest value, the lowest on a tie. */
    static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The row as the model receives it: each value rounded to float. */
    static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) x[j];
        }
        return out;
    }

    /** Float values widened to double (exactly). */
    static double[] toDoubles(float[] x) {
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = x[j];
        }
        return out;
    }
}
