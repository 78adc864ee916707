print("kdflow")
