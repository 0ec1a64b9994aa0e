# frozen_string_literal: true

module Hayscan
  VERSION = "0.1.0"
end
