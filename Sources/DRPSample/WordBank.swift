// Word lists and templates for the synthetic data set, all written for this project.

/// Vocabulary of the sample generator.
enum WordBank {
  /// Adjective registers: (positive, negative) lists; each persona writes in one register.
  static let registers: [(positive: [String], negative: [String])] = [
    (["good", "nice", "great", "fine", "solid", "handy"], ["bad", "poor", "weak", "cheap", "flimsy", "annoying"]),
    (
      ["exquisite", "impeccable", "refined", "delightful", "superb", "elegant"],
      ["mediocre", "lamentable", "shoddy", "underwhelming", "disappointing", "inferior"]
    ),
    (["awesome", "rad", "sweet", "legit", "dope", "killer"], ["lame", "meh", "janky", "busted", "sketchy", "trash"]),
    (
      ["reliable", "efficient", "precise", "robust", "well-calibrated", "consistent"],
      ["unreliable", "inefficient", "imprecise", "fragile", "miscalibrated", "inconsistent"]
    ),
  ]

  static let nouns = [
    "kettle", "lamp", "backpack", "notebook", "blender", "headset", "jacket", "skillet", "charger", "mug",
    "speaker", "pillow", "tent", "keyboard", "scarf", "toaster", "bottle", "planner", "drill", "kite",
  ]
  static let brands = [
    "Nordvik", "Alder", "Quillon", "Brightmoor", "Tessaly", "Orrin", "Kestrel", "Palomar", "Vantor", "Wrenfield",
  ]
  static let itemAdjectives = ["Classic", "Compact", "Deluxe", "Everyday", "Pro", "Lite", "Heritage", "Urban"]
  static let categories: [[String]] = [
    ["Home & Kitchen", "Small Appliances"], ["Electronics", "Audio"], ["Sports & Outdoors", "Camping"],
    ["Office Products", "Paper"], ["Clothing", "Outerwear"], ["Tools", "Power Tools"],
    ["Toys & Games", "Outdoor Play"],
  ]
  static let aspects = [
    "the build", "the price", "the packaging", "the size", "the color", "the finish", "the weight", "the manual",
  ]
  static let catchphrases = [
    "all in all", "no regrets", "for what it is", "take it or leave it", "worth a look", "just my two cents",
    "end of story", "fair enough", "so there you go", "make of that what you will",
  ]
  static let uses = [
    "at work", "on weekends", "every morning", "on trips", "for my family", "in the garage", "at home",
  ]
  static let questions = [
    "Why is this so hard to find?", "Would I buy it again?", "Who designs these things?", "What more could you want?",
    "Is it worth the money?",
  ]
}
