public enum KDAutodiffPlaceholder {}
