# frozen_string_literal: true

# Runs the code blocks of docs/ruby.md that are marked as tested (an HTML comment line
# starting with "<!-- tested" right before the ```ruby fence), so the documented examples
# stay true. A line `expr #=> value` checks that expr == value; a line holding only
# `#=> value` checks the statement just before it. Each block must close what it opens.

require_relative "test_helper"

class TestDocs < Minitest::Test
  DOC = File.join(HayscanTestHelpers::REPO, "docs", "ruby.md")

  # [first line number of the code, code] for each tested block.
  def self.blocks
    lines = File.readlines(DOC)
    found = []
    lines.each_with_index do |line, i|
      next unless line.start_with?("<!-- tested") && lines[i + 1]&.start_with?("```ruby")

      stop = (i + 2...lines.size).find { |j| lines[j].start_with?("```") }
      raise "#{DOC}:#{i + 2}: unterminated code block" unless stop

      found << [i + 3, lines[i + 2...stop]]
    end
    found
  end

  # Turns the `#=>` comments of a block into checks.
  def self.instrument(first_line, lines)
    out = []
    lines.each_with_index do |line, i|
      number = first_line + i
      if (m = line.match(/\A\s*#=> (.+)\Z/))
        out << "__doc_check__(#{number}, __doc_last__, (#{m[1]}))\n"
      elsif (m = line.match(/\A(\s*)(\S.*?)\s+#=> (.+)\Z/))
        out << "#{m[1]}__doc_check__(#{number}, (#{m[2]}), (#{m[3]}))\n"
      elsif line.match?(/\A\S/) && !line.start_with?("#", "end", "require") && lines[i + 1]&.match?(/\A\s*#=> /)
        out << "__doc_last__ = (#{line.chomp})\n"
      else
        out << line
      end
    end
    out.join
  end

  # Where the examples run: a fresh object per block, whose only methods are the check.
  class Sandbox
    def initialize(test)
      @__test = test
    end

    def __doc_check__(line, actual, expected)
      @__test.assert_equal expected, actual, "#{DOC}:#{line}"
    end
  end

  BLOCKS = blocks

  def test_the_docs_have_tested_examples
    assert_operator BLOCKS.size, :>=, 2, "no tested ```ruby block found in #{DOC}"
    BLOCKS.each do |first_line, lines|
      assert lines.any? { |l| l.include?("#=> ") }, "#{DOC}:#{first_line}: a tested block checks nothing"
    end
  end

  BLOCKS.each do |first_line, lines|
    define_method("test_example_at_line_#{first_line}") do
      code = self.class.instrument(first_line, lines)
      assert_no_leaks("#{DOC}:#{first_line}: the example leaves native objects open") do
        Sandbox.new(self).instance_eval(code, DOC, first_line)
      end
    end
  end
end
