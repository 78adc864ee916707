import KDAutodiff
