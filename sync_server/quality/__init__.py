"""Quality measures shared by the server and the office PCs: agreement between
annotators, scores against gold answers, training feedback (issue 11). Plain Python,
numpy and OpenCV (both sides have them), no SQL, no Qt."""
